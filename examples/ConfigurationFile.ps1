#Requires -Version 7.0
#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    From a gcloud external_account configuration file to a Google API call: lists a project's Cloud Storage
    buckets. PowerShell 7.
.DESCRIPTION
    The configuration file names the STS token endpoint (token_url) and, when a service account is
    impersonated, the IAM Credentials endpoint (service_account_impersonation_url).
.PARAMETER ConfigurationFile
    The external_account file gcloud iam workload-identity-pools create-cred-config wrote.
.PARAMETER Project
    The Google Cloud project whose buckets are listed.
.PARAMETER StorageEndpoint
    The Cloud Storage JSON API's base URL, or a local emulator's.
.EXAMPLE
    ./ConfigurationFile.ps1 -ConfigurationFile /etc/gcp/credential-config.json -Project my-project
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ConfigurationFile,
    [Parameter(Mandatory)] [string] $Project,
    [string] $StorageEndpoint = 'https://storage.googleapis.com'
)

$token = Get-GoogleExternalAccountToken -ConfigurationFile $ConfigurationFile -Scope cloud-platform.read-only

# Invoke-RestMethod sends a token over plain http only when allowed to: allow it for a local emulator alone.
$storage = [uri]$StorageEndpoint
$localHttp = $storage.Scheme -eq 'http' -and $storage.IsLoopback
Invoke-RestMethod "$StorageEndpoint/storage/v1/b?project=$Project" -Authentication Bearer -Token $token.AccessToken -AllowUnencryptedAuthentication:$localHttp |
    Select-Object -ExpandProperty items | Select-Object name, location
