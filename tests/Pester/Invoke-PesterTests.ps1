#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester tests against the module folder the build assembled. Prints
    `pester: N passed, M failed, K skipped` as its last line and exits non-zero when a test, a block or a
    file failed, or when no test ran.
.DESCRIPTION
    Uses an installed Pester 5 when there is one; otherwise restores Pester 5.9.1 from NuGet into out/tools
    (tests/Pester/Restore) and imports that copy. The PowerShell Gallery is never needed.
.EXAMPLE
    dotnet pwsh tests/Pester/Invoke-PesterTests.ps1 -ResultPath out/TestResults/pester.xml
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Where to write the results as JUnit XML (read by .ci/run); nothing is written without it.
    [string] $ResultPath,

    # Runs only the test files whose names contain one of these (for example 'Examples' or 'Examples,Cmdlet').
    [string[]] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$manifest = Import-PowerShellDataFile (Join-Path $root 'StsPowerShell.psd1')
$outRoot = if ($Configuration -eq 'Debug') { Join-Path $root 'out' } else { Join-Path $root "out/$Configuration" }
$env:STSPOWERSHELL_MODULE = Join-Path $outRoot "StsPowerShell/$($manifest.ModuleVersion)/StsPowerShell.psd1"
$env:STSPOWERSHELL_EMULATOR = Join-Path $root "tests/StsEmulator/bin/$Configuration/net10.0/StsEmulator.dll"
foreach ($built in $env:STSPOWERSHELL_MODULE, $env:STSPOWERSHELL_EMULATOR) {
    if (-not (Test-Path -LiteralPath $built)) {
        Write-Host "$built does not exist: build first (dotnet build --configuration $Configuration)."
        'pester: 0 passed, 1 failed, 0 skipped'
        exit 1
    }
}

$installed = Get-Module -ListAvailable Pester |
    Where-Object { $_.Version -ge [version]'5.0' -and $_.Version -lt [version]'6.0' } |
    Sort-Object Version -Descending |
    Select-Object -First 1
if ($installed) {
    Import-Module $installed.Path
}
else {
    $restored = Join-Path $root 'out/tools/packages/pester/5.9.1/tools/Pester.psd1'
    if (-not (Test-Path -LiteralPath $restored)) {
        & dotnet restore (Join-Path $PSScriptRoot 'Restore/PesterRestore.csproj') --verbosity quiet | Out-Host
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $restored)) {
            Write-Host "Pester 5.9.1 could not be restored from NuGet (dotnet restore exited with $LASTEXITCODE)."
            'pester: 0 passed, 1 failed, 0 skipped'
            exit 1
        }
    }
    Import-Module $restored
}
Write-Host "Pester $((Get-Module Pester).Version) from $((Get-Module Pester).ModuleBase)"

# -File passes "a,b" as one string: split it, so both ways of calling give the same files.
$patterns = $Filter -split ',' | ForEach-Object Trim | Where-Object { $_ }
$files = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' |
    Where-Object { $name = $_.Name; $patterns | Where-Object { $name -like "*$_*" } } |
    ForEach-Object FullName)
if ($files.Count -eq 0) {
    Write-Host "No test file in $PSScriptRoot matches '$($Filter -join ',')'."
    'pester: 0 passed, 1 failed, 0 skipped'
    exit 1
}

$pesterConfiguration = New-PesterConfiguration
$pesterConfiguration.Run.Path = $files
$pesterConfiguration.Run.PassThru = $true
$pesterConfiguration.Output.Verbosity = 'Detailed'
if ($env:CI) { $pesterConfiguration.Output.RenderMode = 'Plaintext' }
if ($ResultPath) {
    $pesterConfiguration.TestResult.Enabled = $true
    $pesterConfiguration.TestResult.OutputFormat = 'JUnitXml'
    $pesterConfiguration.TestResult.OutputPath = $ResultPath
}
$result = Invoke-Pester -Configuration $pesterConfiguration

# A failed BeforeAll, or a file that does not parse, fails no single test: count those too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
