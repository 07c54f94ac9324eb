#!/bin/sh
# A credential_process that fails, printing a secret-looking line to stderr that must never be shown.
echo "helper error: secret-in-stderr-3c1d" >&2
exit 3
