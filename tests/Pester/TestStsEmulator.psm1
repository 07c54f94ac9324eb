# Starts and stops tests/StsEmulator as a process for the Pester tests. The emulator prints one JSON line when
# it is listening, so starting waits on that line, never on a sleep.

function Start-TestStsEmulator {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # Also serve HTTPS on a second port, with a server certificate from a test CA made at start (the info
        # then has httpsBaseUrl, httpsPort and tlsCaFile, a PEM file holding just that CA).
        [switch] $Https,

        # The names the server certificate covers (with -Https); the emulator's default is sts.test, localhost,
        # 127.0.0.1 and ::1.
        [string[]] $TlsNames
    )

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $startInfo.Arguments = "`"$env:STSPOWERSHELL_EMULATOR`" --exit-on-stdin-close"
    if ($Https) { $startInfo.Arguments += ' --https' }
    if ($Https -and $TlsNames) { $startInfo.Arguments += " --tls-names `"$($TlsNames -join ',')`"" }
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
    # azureServiceConnectionId, gitHubIdTokenRequestUrl, gitHubIdTokenRequestToken, serviceAccount, iamCredentialsEndpoint, storageEndpoint;
    # with -Https also httpsBaseUrl, httpsPort and tlsCaFile (every route answers at httpsBaseUrl too).
    # Azure Pipelines at the real path: azureCollectionUri, azureProjectId, azureHostType, azurePlanId, azureJobId,
    # azureDevOpsOidcRequestUri, azureUnauthorizedServiceConnectionId.
    # Azure managed identities: azureTenantId, azureIssuer, azureAppIdUri, azureSystemIdentity {clientId, objectId},
    # azureUserIdentity {clientId, objectId, resourceId}, azureImdsAuthorityHost, azureImdsTokenUrl,
    # azureAppServiceEndpoint, azureIdentityHeader, azureCloudShellEndpoint, azureArcImdsEndpoint, azureArcEndpoint,
    # azureArcControlUrl, azureServiceFabricSecret; with -Https also httpsThumbprint and azureServiceFabricEndpoint.
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

# Names the key file in the Arc challenge. The emulator writes a fresh secret there (creating the file) unless
# -NoWrite, when it accepts whatever the file holds; returns the full path the challenge names.
function Set-TestAzureArcKeyFile {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([string])]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator, [Parameter(Mandatory)] [string] $Path, [switch] $NoWrite)

    if ($PSCmdlet.ShouldProcess($Path, 'Name as the Arc key file')) {
        $body = @{ keyFile = $Path; writeKey = -not $NoWrite } | ConvertTo-Json
        (Invoke-RestMethod -Method Post -Uri $Emulator.azureArcControlUrl -ContentType 'application/json' -Body $body).keyFile
    }
}

function Add-TestFault {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator, [Parameter(Mandatory)] [hashtable] $Fault)

    Invoke-RestMethod -Method Post -Uri "$($Emulator.BaseUrl)/emulator/faults" -ContentType 'application/json' -Body ($Fault | ConvertTo-Json) | Out-Null
}

# Every variable a cmdlet of the module reads from the machine: tests clear them so that the machine's own
# settings neither leak in nor send anything off this host, and restore them afterwards.
$script:moduleVariables = 'HOME', 'USERPROFILE', 'GOOGLE_APPLICATION_CREDENTIALS', 'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
    'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
    'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', 'AWS_EC2_METADATA_DISABLED',
    # Proxy selection (both cases: they are different variables on Linux) and the endpoints it never proxies.
    'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy',
    'TF_BUILD', 'AGENT_PROXYURL', 'AGENT_PROXYUSERNAME', 'AGENT_PROXYPASSWORD', 'AGENT_PROXYBYPASSLIST',
    'IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'IMDS_ENDPOINT',
    # Issue 15's Azure sources: managed identity and the real-shaped Azure DevOps OIDC URL.
    'AZURE_POD_IDENTITY_AUTHORITY_HOST', 'IDENTITY_HEADER', 'IDENTITY_SERVER_THUMBPRINT', 'MSI_SECRET',
    'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI', 'SYSTEM_TEAMPROJECTID', 'SYSTEM_HOSTTYPE', 'SYSTEM_PLANID', 'SYSTEM_JOBID'

function Clear-TestEnvironment {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([hashtable])]
    param([string[]] $Name = $script:moduleVariables)

    $saved = @{}
    foreach ($variable in $Name) {
        $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        if ($PSCmdlet.ShouldProcess($variable, 'Clear')) { [Environment]::SetEnvironmentVariable($variable, $null) }
    }
    $saved
}

function Restore-TestEnvironment {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [hashtable] $Saved)

    foreach ($entry in $Saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
}

# A temporary folder with an empty home in it that becomes the user's home (so no real AWS profile is read), and
# instance metadata pointed at the emulator, so discovery never reaches 169.254.169.254.
function Enter-TestHome {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator)

    $folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    $userHome = Join-Path $folder 'home'
    $null = New-Item -ItemType Directory -Path $userHome
    $env:HOME = $userHome
    $env:USERPROFILE = $userHome
    $env:AWS_EC2_METADATA_SERVICE_ENDPOINT = $Emulator.baseUrl
    [pscustomobject]@{ Folder = $folder; Home = $userHome }
}

# An external_account file whose every URL is the emulator's, reading a JWT (for -Audience) from a file beside it.
function New-TestConfiguration {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Emulator,
        [Parameter(Mandatory)] [string] $Folder,
        [string] $Name = "config-$([guid]::NewGuid()).json",
        [string] $Audience = $Emulator.workloadProvider,
        [hashtable] $Extra = @{})

    $tokenFile = Join-Path $Folder "token-$([guid]::NewGuid()).jwt"
    Set-Content -Path $tokenFile -Value (New-TestJwt -Emulator $Emulator -Audience $Audience) -NoNewline
    $configuration = @{
        type               = 'external_account'
        audience           = $Emulator.workloadProvider
        subject_token_type = 'urn:ietf:params:oauth:token-type:jwt'
        token_url          = $Emulator.tokenEndpoint
        token_info_url     = "$($Emulator.baseUrl)/v1/introspect"
        credential_source  = @{ file = $tokenFile; format = @{ type = 'text' } }
    }
    foreach ($key in $Extra.Keys) { $configuration[$key] = $Extra[$key] }
    $path = Join-Path $Folder $Name
    $configuration | ConvertTo-Json -Depth 5 | Set-Content -Path $path
    $path
}

Export-ModuleMember -Function Start-TestStsEmulator, Stop-TestStsEmulator, New-TestJwt, Get-TestRequestCount, Add-TestFault, Clear-TestEnvironment, Restore-TestEnvironment, New-TestConfiguration, Enter-TestHome, Set-TestAzureArcKeyFile
