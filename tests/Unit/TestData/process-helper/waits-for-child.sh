#!/bin/sh
# Never answers: waits for a background child whose pid goes to $1.
sleep 30 &
echo $! > "$1"
wait
