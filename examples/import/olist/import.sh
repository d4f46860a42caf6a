#!/bin/sh
# Olist marketing funnel → a salesbook repository, with salesbook only.
#   examples/import/olist/import.sh DATASET_DIR OUT_REPO
# DATASET_DIR holds the CSV files as published; OUT_REPO must not exist yet.
# One closed deal was won two days before its lead's first contact, an error
# (SPEC §3): it is set aside in OUT_REPO/rejected-deals.csv. See docs/import.md.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 DATASET_DIR OUT_REPO" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$1
out=$2
leads="$src/olist_marketing_qualified_leads_dataset.csv"
deals="$src/olist_closed_deals_dataset.csv"
asof=2018-12-31
salesbook init --quiet --empty --since 2019-01-01 --as-of "$asof" "$out"
cd "$out"
salesbook import owners "$deals" --map "$here/owners.toml" --data . --as-of "$asof" --quiet
salesbook import leads "$leads" --map "$here/leads.toml" --data . --as-of "$asof" --quiet
salesbook import customers "$deals" --map "$here/customers.toml" --data . --as-of "$asof" --quiet
salesbook import deals "$deals" --map "$here/deals.toml" --data . --as-of "$asof" --quiet \
    --rejects rejected-deals.csv
salesbook export --data . --as-of "$asof" --out export --quiet
