#Requires -Modules StsPowerShell
<#
.SYNOPSIS
    From a gcloud external_account configuration file to a Google API call.
.EXAMPLE
    ./ConfigurationFile.ps1 -ConfigurationFile /etc/gcp/credential-config.json -Project my-project
#>
param(
    [Parameter(Mandatory)] [string] $ConfigurationFile,
    [Parameter(Mandatory)] [string] $Project
)

$token = Get-GoogleExternalAccountToken -ConfigurationFile $ConfigurationFile -Scope cloud-platform.read-only
Invoke-RestMethod "https://storage.googleapis.com/storage/v1/b?project=$Project" -Authentication Bearer -Token $token.AccessToken |
    Select-Object -ExpandProperty items | Select-Object name, location
