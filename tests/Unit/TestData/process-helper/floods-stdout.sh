#!/bin/sh
# Writes to standard output without end.
exec cat /dev/zero
