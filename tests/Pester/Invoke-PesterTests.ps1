#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester tests against the module folder the build assembled, and prints
    `pester: N passed, M failed` as its last line (read by .ci/run).
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$manifest = Import-PowerShellDataFile (Join-Path $root 'StsPowerShell.psd1')
$outRoot = if ($Configuration -eq 'Debug') { Join-Path $root 'out' } else { Join-Path $root "out/$Configuration" }
$env:STSPOWERSHELL_MODULE = Join-Path $outRoot "StsPowerShell/$($manifest.ModuleVersion)/StsPowerShell.psd1"
$env:STSPOWERSHELL_EMULATOR = Join-Path $root "tests/StsEmulator/bin/$Configuration/net10.0/StsEmulator.dll"

if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0')) {
    Write-Host 'Pester 5 is not installed: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser'
    'pester: 0 passed, 1 failed'
    exit 1
}

Import-Module Pester -MinimumVersion 5.0
$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration
"pester: $($result.PassedCount) passed, $($result.FailedCount) failed"
if ($result.FailedCount -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
