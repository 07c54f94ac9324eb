#Requires -Version 5.1
<#
.SYNOPSIS
    Builds StsPowerShell into out/, and with -Test runs the xunit tests and then the Pester tests.
.EXAMPLE
    ./build.ps1                      # Debug build: out/StsPowerShell/<version>/
.EXAMPLE
    ./build.ps1 -Configuration Release -Test
.EXAMPLE
    ./build.ps1 -Configuration Release -Package   # out/Release/packages/StsPowerShell.<version>.nupkg
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
Push-Location $PSScriptRoot
try {
    dotnet build --configuration $Configuration
    if ($LASTEXITCODE -ne 0) { throw "dotnet build failed with exit code $LASTEXITCODE." }

    if ($Test) {
        dotnet test --configuration $Configuration --no-build
        if ($LASTEXITCODE -ne 0) { throw "dotnet test failed with exit code $LASTEXITCODE." }

        & (Join-Path $PSScriptRoot 'tests/Pester/Invoke-PesterTests.ps1') -Configuration $Configuration
        if ($LASTEXITCODE -ne 0) { throw 'The Pester tests failed.' }
    }

    if ($Package) {
        dotnet build (Join-Path $PSScriptRoot 'packaging/StsPowerShell.Package.csproj') --configuration $Configuration
        if ($LASTEXITCODE -ne 0) { throw "Packing failed with exit code $LASTEXITCODE." }
    }
}
finally {
    Pop-Location
}
