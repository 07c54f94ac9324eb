#Requires -Version 5.1
<#
.SYNOPSIS
    Builds StsPowerShell into out/; with -Test runs every test, xunit, Pester, then the .NET Framework check, and prints one summary.
.DESCRIPTION
    With -Test, the results are written to out/TestResults (xunit as TRX, Pester as JUnit XML), each stage's
    time is printed, and the last line is `tests: N passed, M failed, K skipped` over all three. The .NET
    Framework check (tests/NetFramework) runs the built module folder under Mono, as Windows PowerShell 5.1
    loads it; it needs `mono` on PATH (`.ci/run` installs it) and installs nothing itself. The script
    exits non-zero when a stage fails, a test fails or no test ran. `.ci/run` runs exactly this.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Test      # every test, on a machine with only the .NET SDK
.EXAMPLE
    ./build.ps1                                               # Debug build: out/StsPowerShell/<version>/
.EXAMPLE
    ./build.ps1 -Configuration Release -Package               # out/Release/packages/StsPowerShell.<version>.nupkg
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Runs xunit (dotnet test) and then Pester against the built module.
    [switch] $Test,

    # Writes the PowerShell Gallery package; the same as `dotnet build packaging/StsPowerShell.Package.csproj -c <Configuration>`.
    [switch] $Package
)

$ErrorActionPreference = 'Stop'

function Invoke-Stage {
    param([string] $Name, [scriptblock] $Action)

    $clock = [Diagnostics.Stopwatch]::StartNew()
    try { & $Action }
    finally { Write-Host ("stage {0}: {1:N1} s" -f $Name, $clock.Elapsed.TotalSeconds) }
}

function Get-TestCount {
    # Counts from a result file; a missing or unreadable file is one failure, so a suite that did not run
    # cannot pass.
    param([string] $TrxPath, [string] $JUnitPath, [string] $SummaryPath)

    $path = if ($TrxPath) { $TrxPath } elseif ($JUnitPath) { $JUnitPath } else { $SummaryPath }
    if (-not (Test-Path -LiteralPath $path)) {
        Write-Host "$path was not written: that suite did not run."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    if ($SummaryPath) {
        # The .NET Framework check's last `netframework: N passed, M failed, K skipped` line; none (mono missing, no build) is one failure.
        $line = Select-String -LiteralPath $path -Pattern '^netframework: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?' | Select-Object -Last 1
        if (-not $line) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
        $groups = $line.Matches[0].Groups
        return [pscustomobject]@{ Passed = [int]$groups[1].Value; Failed = [int]$groups[2].Value; Skipped = [int]$groups[3].Value }
    }
    [xml] $document = Get-Content -LiteralPath $path -Raw
    if ($TrxPath) {
        $counters = $document.TestRun.ResultSummary.Counters
        return [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted; Skipped = [int]$counters.notExecuted }
    }
    $suites = @($document.testsuites.testsuite)
    $total = ($suites | ForEach-Object { [int]$_.tests } | Measure-Object -Sum).Sum
    $failed = ($suites | ForEach-Object { [int]$_.failures + [int]$_.errors } | Measure-Object -Sum).Sum
    $skipped = ($suites | ForEach-Object { [int]$_.skipped + [int]$_.disabled } | Measure-Object -Sum).Sum
    [pscustomobject]@{ Passed = $total - $failed - $skipped; Failed = $failed; Skipped = $skipped }
}

Push-Location $PSScriptRoot
try {
    Invoke-Stage build {
        dotnet build --configuration $Configuration
        if ($LASTEXITCODE -ne 0) { throw "dotnet build failed with exit code $LASTEXITCODE." }
    }

    if ($Test) {
        $results = Join-Path $PSScriptRoot 'out/TestResults'
        if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $results

        # Both suites always run; their counts are read back from the result files, not from console text.
        Invoke-Stage xunit {
            dotnet test --configuration $Configuration --no-build --logger 'trx;LogFileName=xunit.trx' --results-directory $results
        }
        $xunitExit = $LASTEXITCODE
        Invoke-Stage pester {
            & (Join-Path $PSScriptRoot 'tests/Pester/Invoke-PesterTests.ps1') -Configuration $Configuration -ResultPath (Join-Path $results 'pester.xml')
        }
        $pesterExit = $LASTEXITCODE

        # The module folder on .NET Framework (Mono here): built now, because it compiles against that folder's Core.
        $netframeworkLog = Join-Path $results 'netframework.txt'
        Invoke-Stage netframework {
            if (-not (Get-Command mono -CommandType Application -ErrorAction Ignore)) {
                "mono is not installed, so the .NET Framework check cannot run: install it (Debian: apt-get install mono-runtime mono-devel) or run .ci/run, which does." | Tee-Object -FilePath $netframeworkLog | Write-Host
                return
            }
            dotnet build (Join-Path $PSScriptRoot 'tests/NetFramework/StsPowerShell.NetFramework.csproj') --configuration $Configuration
            if ($LASTEXITCODE -ne 0) { "The .NET Framework check did not build." | Tee-Object -FilePath $netframeworkLog | Write-Host; return }
            $version = (Import-PowerShellDataFile (Join-Path $PSScriptRoot 'StsPowerShell.psd1')).ModuleVersion
            $outRoot = if ($Configuration -eq 'Debug') { 'out' } else { "out/$Configuration" }
            & mono (Join-Path $PSScriptRoot "tests/NetFramework/bin/$Configuration/net472/StsPowerShell.NetFramework.exe") `
                --module (Join-Path $PSScriptRoot "$outRoot/StsPowerShell/$version") `
                --emulator (Join-Path $PSScriptRoot "tests/StsEmulator/bin/$Configuration/net10.0/StsEmulator.dll") 2>&1 |
                ForEach-Object { "$_" } | Tee-Object -FilePath $netframeworkLog | Write-Host
        }
        $netframeworkExit = $LASTEXITCODE

        $xunit = Get-TestCount -TrxPath (Join-Path $results 'xunit.trx')
        $pester = Get-TestCount -JUnitPath (Join-Path $results 'pester.xml')
        $netframework = Get-TestCount -SummaryPath $netframeworkLog
        $passed = $xunit.Passed + $pester.Passed + $netframework.Passed
        $failed = $xunit.Failed + $pester.Failed + $netframework.Failed
        if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { Write-Host "dotnet test exited with $xunitExit without a failed test: counted as a failure."; $failed++ }
        if ($pesterExit -ne 0 -and $pester.Failed -eq 0) { Write-Host "Pester exited with $pesterExit without a failed test: counted as a failure."; $failed++ }
        if ($netframeworkExit -ne 0 -and $netframework.Failed -eq 0) { Write-Host "The .NET Framework check exited with $netframeworkExit without a failed check: counted as a failure."; $failed++ }
        "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
        "pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
        "netframework: $($netframework.Passed) passed, $($netframework.Failed) failed, $($netframework.Skipped) skipped"
        "tests: $passed passed, $failed failed, $($xunit.Skipped + $pester.Skipped + $netframework.Skipped) skipped"
        if ($failed -gt 0 -or $xunit.Passed -eq 0 -or $pester.Passed -eq 0 -or $netframework.Passed -eq 0) { exit 1 }
    }

    if ($Package) {
        Invoke-Stage package {
            dotnet build (Join-Path $PSScriptRoot 'packaging/StsPowerShell.Package.csproj') --configuration $Configuration
            if ($LASTEXITCODE -ne 0) { throw "Packing failed with exit code $LASTEXITCODE." }
        }
    }
}
finally {
    Pop-Location
}
