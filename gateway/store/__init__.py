"""The store: tables, migrations, queries and the raw archive."""
