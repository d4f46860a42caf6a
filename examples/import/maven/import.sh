#!/bin/sh
# Maven CRM sales opportunities → a salesbook repository, with salesbook only.
#   examples/import/maven/import.sh DATASET_DIR OUT_REPO
# DATASET_DIR holds the CSV files as published (sales_pipeline.csv, accounts.csv,
# sales_teams.csv); OUT_REPO must not exist yet. See docs/import.md.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 DATASET_DIR OUT_REPO" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$1
out=$2
# The data ends in 2017: the report date is its last day. Everything is history
# from before salesbook (one date per opportunity, no stage path), so the
# process rules start the day after.
asof=2017-12-31
salesbook init --quiet --empty --since 2018-01-01 --as-of "$asof" "$out"
cd "$out"
salesbook import owners "$src/sales_teams.csv" --map "$here/owners.toml" --data . --as-of "$asof" --quiet
salesbook import customers "$src/accounts.csv" --map "$here/customers.toml" --data . --as-of "$asof" --quiet
salesbook import customers "$here/no-account.csv" --map "$here/customers.toml" --data . --as-of "$asof" --quiet
salesbook import deals "$src/sales_pipeline.csv" --map "$here/deals.toml" --data . --as-of "$asof" --quiet
salesbook export --data . --as-of "$asof" --out export --quiet
