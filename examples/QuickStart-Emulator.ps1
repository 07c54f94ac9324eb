#Requires -Version 5.1
<#
.SYNOPSIS
    The README's quick start, run against the local STS emulator instead of Google: builds the module,
    starts the emulator on 127.0.0.1, and runs the Azure Pipelines chain (OIDC token, exchange, service
    account impersonation) against the emulator's token services.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
dotnet build (Join-Path $root 'StsPowerShell.sln') --configuration Debug --verbosity quiet
if ($LASTEXITCODE -ne 0) { throw 'The build failed.' }

$version = (Import-PowerShellDataFile (Join-Path $root 'StsPowerShell.psd1')).ModuleVersion
$env:STSPOWERSHELL_EMULATOR = Join-Path $root 'tests/StsEmulator/bin/Debug/net10.0/StsEmulator.dll'
Import-Module (Join-Path $root "out/StsPowerShell/$version/StsPowerShell.psd1") -Force
Import-Module (Join-Path $root 'tests/Pester/TestStsEmulator.psm1') -Force

$emulator = Start-TestStsEmulator
$saved = @{ SYSTEM_OIDCREQUESTURI = $env:SYSTEM_OIDCREQUESTURI; SYSTEM_ACCESSTOKEN = $env:SYSTEM_ACCESSTOKEN }
try {
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

    $federated | New-GoogleServiceAccountAccessToken -ServiceAccount $emulator.serviceAccount `
        -IamCredentialsEndpoint $emulator.iamCredentialsEndpoint | Format-Table
}
finally {
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    Stop-TestStsEmulator -Emulator $emulator
}
