#Requires -Modules StsPowerShell
<#
.SYNOPSIS
    Inside an Azure Pipelines task (SYSTEM_ACCESSTOKEN mapped): from the service connection's OIDC token to a
    Google service account, then a Google API call. Works on Windows PowerShell 5.1 and PowerShell 7.
#>
param(
    [Parameter(Mandatory)] [string] $ServiceConnectionId,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ServiceAccount,
    [Parameter(Mandatory)] [string] $Project
)

$token = Get-AzurePipelinesIdToken -ServiceConnectionId $ServiceConnectionId |
    Invoke-StsTokenExchange -Audience $Provider -Scope cloud-platform |
    New-GoogleServiceAccountAccessToken -ServiceAccount $ServiceAccount -AsPlainText
Invoke-RestMethod "https://storage.googleapis.com/storage/v1/b?project=$Project" -Headers @{ Authorization = "Bearer $($token.AccessToken)" } |
    Select-Object -ExpandProperty items | Select-Object name, location
