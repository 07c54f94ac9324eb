#Requires -Version 5.1

<#
.SYNOPSIS
    The README's quick start, run against the local STS emulator instead of Google: builds the module,
    starts the emulator on 127.0.0.1, runs the Azure Pipelines chain (OIDC token, exchange, service account
    impersonation) against the emulator's token services, and lists the emulator's Cloud Storage buckets.
.PARAMETER Configuration
    The build configuration to build and use.
.PARAMETER NoBuild
    Uses the module and emulator an earlier build left in out/ and tests/StsEmulator/bin instead of building.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./examples/QuickStart-Emulator.ps1
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
if (-not $NoBuild) {
    dotnet build (Join-Path $root 'StsPowerShell.sln') --configuration $Configuration --verbosity quiet
    if ($LASTEXITCODE -ne 0) { throw 'The build failed.' }
}

$version = (Import-PowerShellDataFile (Join-Path $root 'StsPowerShell.psd1')).ModuleVersion
$out = if ($Configuration -eq 'Debug') { Join-Path $root 'out' } else { Join-Path $root "out/$Configuration" }
$saved = @{}
foreach ($name in 'STSPOWERSHELL_EMULATOR', 'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN') {
    $saved[$name] = [Environment]::GetEnvironmentVariable($name)
}

$env:STSPOWERSHELL_EMULATOR = Join-Path $root "tests/StsEmulator/bin/$Configuration/net10.0/StsEmulator.dll"
Import-Module (Join-Path $out "StsPowerShell/$version/StsPowerShell.psd1") -Force
Import-Module (Join-Path $root 'tests/Pester/TestStsEmulator.psm1') -Force
$emulator = $null
try {
    $emulator = Start-TestStsEmulator
    Write-Host "STS emulator at $($emulator.baseUrl)"

    # What an Azure Pipelines agent sets for the job (the pipeline maps System.AccessToken).
    $env:SYSTEM_OIDCREQUESTURI = $emulator.azureOidcRequestUri
    $env:SYSTEM_ACCESSTOKEN = $emulator.azureSystemAccessToken

    # The README's quick start, with the emulator's endpoints in place of Google's.
    $oidc = Get-AzurePipelinesIdToken -ServiceConnectionId $emulator.azureServiceConnectionId
    $oidc | Format-List

    $federated = $oidc | Invoke-StsTokenExchange -TokenEndpoint $emulator.tokenEndpoint `
        -Audience $emulator.workloadProvider -Scope cloud-platform -Verbose
    $federated | Format-List

    # Plain text for the header, as Windows PowerShell 5.1 needs; the view still hides the token.
    $token = $federated | New-GoogleServiceAccountAccessToken -ServiceAccount $emulator.serviceAccount `
        -IamCredentialsEndpoint $emulator.iamCredentialsEndpoint -AsPlainText
    $token | Format-Table

    Invoke-RestMethod "$($emulator.storageEndpoint)/storage/v1/b?project=emulator-project" -Headers @{ Authorization = "Bearer $($token.AccessToken)" } |
        Select-Object -ExpandProperty items | Format-Table name, location
}
finally {
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    if ($emulator) { Stop-TestStsEmulator -Emulator $emulator }
}
