#!/bin/sh
# Never answers in time: the test's process timeout must stop it.
exec sleep 60
