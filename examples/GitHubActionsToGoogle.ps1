#Requires -Modules StsPowerShell
<#
.SYNOPSIS
    Inside a GitHub Actions job with 'permissions: id-token: write': from the job's OIDC token to a Google
    service account's ID token for a Cloud Run service.
#>
param(
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ServiceAccount,
    [Parameter(Mandatory)] [string] $ServiceUrl
)

$idToken = Get-GitHubActionsIdToken -Audience "https:$Provider" |
    Invoke-StsTokenExchange -Audience $Provider -Scope cloud-platform |
    New-GoogleServiceAccountIdToken -ServiceAccount $ServiceAccount -Audience $ServiceUrl -AsPlainText
Invoke-RestMethod $ServiceUrl -Headers @{ Authorization = "Bearer $($idToken.AccessToken)" }
