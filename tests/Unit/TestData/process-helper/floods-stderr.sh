#!/bin/sh
# Writes 100 MB to standard error, then a short answer.
head -c 104857600 /dev/zero >&2
printf '{"answer":"after-the-flood"}'
