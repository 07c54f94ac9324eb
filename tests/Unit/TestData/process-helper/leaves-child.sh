#!/bin/sh
# Answers and exits at once, leaving a background child that holds standard output open; its pid goes to $1.
sleep 30 &
echo $! > "$1"
printf '{"Version":1,"AccessKeyId":"AKIDLEFTCHILD","SecretAccessKey":"left/child/secret"}'
