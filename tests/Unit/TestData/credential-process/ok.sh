#!/bin/sh
# A credential_process that prints AWS's Version 1 document for the emulator's temporary keys.
printf '{"Version":1,"AccessKeyId":"ASIAEMULATOREXAMPLE2","SecretAccessKey":"emulator/Temporary+Secret/Key000000000000","SessionToken":"IQoJb3JpZ2luX2VjEMULATOR+session/token==","Expiration":"2099-01-01T00:00:00Z"}'
