#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    Inside an Azure Pipelines task (SYSTEM_ACCESSTOKEN mapped): from the service connection's OIDC token, or the
    pipeline's own when no service connection is named, to a Google service account, then a Google API call that lists a project's Cloud Storage buckets. Works on
    Windows PowerShell 5.1 and PowerShell 7.
.PARAMETER ServiceConnectionId
    The id of a workload identity federation service connection; without it, the pipeline's own token (subject
    p://<organization>/<project>/<pipeline>) is used.
.PARAMETER Provider
    The workload identity pool provider's full resource name.
.PARAMETER ServiceAccount
    The service account to impersonate.
.PARAMETER Project
    The Google Cloud project whose buckets are listed.
.PARAMETER TokenEndpoint
    Google's STS token endpoint, or a local emulator's.
.PARAMETER IamCredentialsEndpoint
    The IAM Credentials API's base URL, or a local emulator's.
.PARAMETER StorageEndpoint
    The Cloud Storage JSON API's base URL, or a local emulator's.
.EXAMPLE
    ./AzurePipelinesToGoogle.ps1 -ServiceConnectionId 2b9f6c4e-1d3a-4f8e-9c7b-5a6d8e0f1a2b -Provider //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ado/providers/ado -ServiceAccount deployer@my-project.iam.gserviceaccount.com -Project my-project
#>
[CmdletBinding()]
param(
    [string] $ServiceConnectionId,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ServiceAccount,
    [Parameter(Mandatory)] [string] $Project,
    [string] $TokenEndpoint = 'https://sts.googleapis.com/v1/token',
    [string] $IamCredentialsEndpoint = 'https://iamcredentials.googleapis.com',
    [string] $StorageEndpoint = 'https://storage.googleapis.com'
)

# Windows PowerShell has no -Token on Invoke-RestMethod: ask for the plain text and put it in the header alone.
$connection = @{}
if ($ServiceConnectionId) { $connection.ServiceConnectionId = $ServiceConnectionId }
$token = Get-AzurePipelinesIdToken @connection |
    Invoke-StsTokenExchange -TokenEndpoint $TokenEndpoint -Audience $Provider -Scope cloud-platform |
    New-GoogleServiceAccountAccessToken -ServiceAccount $ServiceAccount -IamCredentialsEndpoint $IamCredentialsEndpoint -AsPlainText
Invoke-RestMethod "$StorageEndpoint/storage/v1/b?project=$Project" -Headers @{ Authorization = "Bearer $($token.AccessToken)" } |
    Select-Object -ExpandProperty items | Select-Object name, location
