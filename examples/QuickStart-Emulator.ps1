#Requires -Version 5.1
<#
.SYNOPSIS
    The README's quick start, run against the local STS emulator instead of Google: builds the module,
    starts the emulator on 127.0.0.1, gets an OIDC token from it and exchanges it with Invoke-StsTokenExchange.
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
try {
    Write-Host "STS emulator at $($emulator.TokenEndpoint)"

    # In a real pipeline this JWT comes from Azure DevOps, GitHub Actions or your identity provider.
    $oidcToken = New-TestJwt -Emulator $emulator

    # The quick start: exchange it for a Google-style federated access token.
    $token = Invoke-StsTokenExchange -TokenEndpoint $emulator.TokenEndpoint `
        -SubjectToken $oidcToken -SubjectTokenType jwt `
        -Audience $emulator.WorkloadProvider `
        -Scope https://www.googleapis.com/auth/cloud-platform -Verbose
    $token | Format-List

    # The token pipes into the next exchange (here: the same STS, as a downscoping step would).
    $token | Invoke-StsTokenExchange -TokenEndpoint $emulator.TokenEndpoint | Format-Table
}
finally {
    Stop-TestStsEmulator -Emulator $emulator
}
