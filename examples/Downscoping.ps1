#Requires -Version 7.0
#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    Hands a job a token that can read one bucket and nothing else (a credential access boundary), and reads
    an object with it. PowerShell 7.
.PARAMETER ConfigurationFile
    The external_account file whose token is narrowed.
.PARAMETER Bucket
    The only bucket the narrowed token may read.
.PARAMETER Object
    The object to read from that bucket.
.PARAMETER TokenEndpoint
    Google's STS token endpoint, which downscopes the token, or a local emulator's.
.PARAMETER StorageEndpoint
    The Cloud Storage JSON API's base URL, or a local emulator's.
.EXAMPLE
    ./Downscoping.ps1 -ConfigurationFile ./config.json -Bucket reports -Object 2026/summary.csv
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ConfigurationFile,
    [Parameter(Mandatory)] [string] $Bucket,
    [Parameter(Mandatory)] [string] $Object,
    [string] $TokenEndpoint = 'https://sts.googleapis.com/v1/token',
    [string] $StorageEndpoint = 'https://storage.googleapis.com'
)

$rule = New-GoogleAccessBoundaryRule -AvailableResource "//storage.googleapis.com/projects/_/buckets/$Bucket" -AvailablePermission roles/storage.objectViewer
$narrow = Get-GoogleExternalAccountToken -ConfigurationFile $ConfigurationFile |
    New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $TokenEndpoint

# Invoke-RestMethod sends a token over plain http only when allowed to: allow it for a local emulator alone.
$storage = [uri]$StorageEndpoint
$localHttp = $storage.Scheme -eq 'http' -and $storage.IsLoopback
Invoke-RestMethod "$StorageEndpoint/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Object))?alt=media" -Authentication Bearer -Token $narrow.AccessToken -AllowUnencryptedAuthentication:$localHttp
