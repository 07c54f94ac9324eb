#!/bin/sh
# A Google executable-sourced credential: prints the response file given as $1, and records the
# GOOGLE_EXTERNAL_ACCOUNT_* variables it was given into $2 so the test can check them.
env | grep '^GOOGLE_EXTERNAL_ACCOUNT_' | sort > "$2"
cat "$1"
