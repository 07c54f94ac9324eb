#!/bin/sh
printf '{"Version":2,"AccessKeyId":"AKID","SecretAccessKey":"secret"}'
