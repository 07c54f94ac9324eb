#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    Inside a GitHub Actions job with 'permissions: id-token: write': from the job's OIDC token to a Google
    service account's ID token, then a call to the Cloud Run service that token is for. Works on Windows
    PowerShell 5.1 and PowerShell 7.
.PARAMETER Provider
    The workload identity pool provider's full resource name.
.PARAMETER ServiceAccount
    The service account to impersonate; the Cloud Run service lets it invoke.
.PARAMETER ServiceUrl
    The Cloud Run service's URL, which is also the ID token's audience.
.PARAMETER TokenEndpoint
    Google's STS token endpoint, or a local emulator's.
.PARAMETER IamCredentialsEndpoint
    The IAM Credentials API's base URL, or a local emulator's.
.EXAMPLE
    ./GitHubActionsToGoogle.ps1 -Provider $env:GCP_PROVIDER -ServiceAccount invoker@my-project.iam.gserviceaccount.com -ServiceUrl https://my-service-abc123-ew.a.run.app
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ServiceAccount,
    [Parameter(Mandatory)] [string] $ServiceUrl,
    [string] $TokenEndpoint = 'https://sts.googleapis.com/v1/token',
    [string] $IamCredentialsEndpoint = 'https://iamcredentials.googleapis.com'
)

# A workload identity pool provider accepts https://iam.googleapis.com/<provider> as audience by default.
$idToken = Get-GitHubActionsIdToken -Audience "https:$Provider" |
    Invoke-StsTokenExchange -TokenEndpoint $TokenEndpoint -Audience $Provider -Scope cloud-platform |
    New-GoogleServiceAccountIdToken -ServiceAccount $ServiceAccount -Audience $ServiceUrl -IamCredentialsEndpoint $IamCredentialsEndpoint -AsPlainText
Invoke-RestMethod $ServiceUrl -Headers @{ Authorization = "Bearer $($idToken.AccessToken)" }
