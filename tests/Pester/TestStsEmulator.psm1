# Starts and stops tests/StsEmulator as a process for the Pester tests. The emulator prints one JSON line when
# it is listening, so starting waits on that line, never on a sleep.

function Start-TestStsEmulator {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $startInfo.Arguments = "`"$env:STSPOWERSHELL_EMULATOR`" --exit-on-stdin-close"
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $ready = $process.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait([TimeSpan]::FromSeconds(60)) -or -not $ready.Result) {
        $process.Kill()
        throw "The STS emulator did not report that it was listening."
    }

    # baseUrl, tokenEndpoint, workloadProvider, workforceProvider, azureOidcRequestUri, azureSystemAccessToken,
    # azureServiceConnectionId, gitHubIdTokenRequestUrl, gitHubIdTokenRequestToken, serviceAccount, iamCredentialsEndpoint, storageEndpoint.
    $info = $ready.Result | ConvertFrom-Json
    $info | Add-Member -NotePropertyName Process -NotePropertyValue $process -PassThru
}

function Stop-TestStsEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator)

    $Emulator.Process.StandardInput.Close()
    if (-not $Emulator.Process.WaitForExit(10000)) {
        $Emulator.Process.Kill()
    }
}

function New-TestJwt {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator, [string] $Audience = $Emulator.WorkloadProvider)

    (Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/emulator/jwt?aud=$([uri]::EscapeDataString($Audience))").token
}

function Get-TestRequestCount {
    [CmdletBinding()]
    [OutputType([int])]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator)

    (Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/emulator/requests").count
}

function Add-TestFault {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator, [Parameter(Mandatory)] [hashtable] $Fault)

    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/emulator/faults" -ContentType 'application/json' -Body ($Fault | ConvertTo-Json) | Out-Null
}

Export-ModuleMember -Function Start-TestStsEmulator, Stop-TestStsEmulator, New-TestJwt, Get-TestRequestCount, Add-TestFault
