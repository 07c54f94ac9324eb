#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    On an Azure VM, an Azure Arc-enabled server, an Azure Automation runbook or App Service: from the machine's
    managed identity to a Google service account, then a Google API call that lists a project's Cloud Storage
    buckets. No secret is stored anywhere. Works on Windows PowerShell 5.1 and PowerShell 7.
.PARAMETER Provider
    The workload identity pool provider's full resource name. Its issuer is https://sts.windows.net/<tenant id>/
    and, unless -Resource is given, its allowed audience is its default one.
.PARAMETER ServiceAccount
    The service account to impersonate.
.PARAMETER Project
    The Google Cloud project whose buckets are listed.
.PARAMETER Resource
    An application ID URI the provider allows as audience, instead of the provider's default audience.
.PARAMETER ClientId
    A user-assigned identity's client id; the system-assigned identity when not given.
.PARAMETER TokenEndpoint
    Google's STS token endpoint, or a local emulator's.
.PARAMETER IamCredentialsEndpoint
    The IAM Credentials API's base URL, or a local emulator's.
.PARAMETER StorageEndpoint
    The Cloud Storage JSON API's base URL, or a local emulator's.
.EXAMPLE
    ./AzureManagedIdentityToGoogle.ps1 -Provider //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/azure/providers/vms -ServiceAccount reporter@my-project.iam.gserviceaccount.com -Project my-project
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ServiceAccount,
    [Parameter(Mandatory)] [string] $Project,
    [string] $Resource,
    [string] $ClientId,
    [string] $TokenEndpoint = 'https://sts.googleapis.com/v1/token',
    [string] $IamCredentialsEndpoint = 'https://iamcredentials.googleapis.com',
    [string] $StorageEndpoint = 'https://storage.googleapis.com'
)

$identity = @{ Audience = $Provider }
if ($Resource) { $identity.Resource = $Resource }
if ($ClientId) { $identity.ClientId = $ClientId }

# The Azure token carries the provider as its Audience, so the exchange needs no -Audience. Windows PowerShell has
# no -Token on Invoke-RestMethod: ask for the plain text and put it in the header alone.
$token = Get-AzureManagedIdentityToken @identity |
    Invoke-StsTokenExchange -TokenEndpoint $TokenEndpoint -Scope cloud-platform |
    New-GoogleServiceAccountAccessToken -ServiceAccount $ServiceAccount -IamCredentialsEndpoint $IamCredentialsEndpoint -AsPlainText
Invoke-RestMethod "$StorageEndpoint/storage/v1/b?project=$Project" -Headers @{ Authorization = "Bearer $($token.AccessToken)" } |
    Select-Object -ExpandProperty items | Select-Object name, location
