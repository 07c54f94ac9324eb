#Requires -Modules StsPowerShell
<#
.SYNOPSIS
    Hands a job a token that can read one bucket and nothing else (a credential access boundary).
.EXAMPLE
    ./Downscoping.ps1 -ConfigurationFile ./config.json -Bucket reports -Object 2026/summary.csv
#>
param(
    [Parameter(Mandatory)] [string] $ConfigurationFile,
    [Parameter(Mandatory)] [string] $Bucket,
    [Parameter(Mandatory)] [string] $Object
)

$rule = New-GoogleAccessBoundaryRule -AvailableResource "//storage.googleapis.com/projects/_/buckets/$Bucket" -AvailablePermission roles/storage.objectViewer
$narrow = Get-GoogleExternalAccountToken -ConfigurationFile $ConfigurationFile | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule
Invoke-RestMethod "https://storage.googleapis.com/storage/v1/b/$Bucket/o/$([uri]::EscapeDataString($Object))?alt=media" -Authentication Bearer -Token $narrow.AccessToken
