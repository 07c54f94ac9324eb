#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 16: the identity handed on. Each exported credential configuration is read by the real gcloud (under
# strace, loopback only: TestGcloud.psm1) and by the module itself, against the emulator; the files hold no secret
# of the job; the variables reach the next steps the way Azure Pipelines and GitHub Actions expect; and everything
# written can be removed. The executable sources run this module in a real pwsh started by gcloud.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
    $script:noGcloud = Get-TestGcloudUnavailableReason
    if ($script:noGcloud) { Write-Host "GoogleCredentialExport.Tests.ps1: the gcloud cases are skipped: $script:noGcloud" }
}

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:savedEnvironment = Clear-TestEnvironment
    $script:savedExports = @{}
    foreach ($name in 'GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', 'GOOGLE_GHA_CREDS_PATH', 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES',
        'CLOUDSDK_AUTH_ACCESS_TOKEN_FILE', 'GOOGLE_OAUTH_ACCESS_TOKEN', 'CLOUDSDK_CORE_PROJECT', 'CLOUDSDK_PROJECT', 'GCLOUD_PROJECT', 'GCP_PROJECT', 'GOOGLE_CLOUD_PROJECT',
        'GITHUB_ACTIONS', 'GITHUB_ENV') {
        $script:savedExports[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }
    $script:testHome = Enter-TestHome -Emulator $script:emulator
    $script:folder = $script:testHome.Folder

    # Every endpoint the files name is the emulator's.
    $script:endpoints = @{
        Audience               = $script:emulator.workloadProvider
        TokenEndpoint          = $script:emulator.tokenEndpoint
        TokenInfoEndpoint      = $script:emulator.tokenInfoEndpoint
        IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint
        Path                   = $script:folder
    }

    # What an executable source needs from the job's environment when gcloud runs it: the CI or Azure variables,
    # and no telemetry from the pwsh it starts (it would look up a public name as it exits).
    $script:childBase = @{ GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = '1'; POWERSHELL_TELEMETRY_OPTOUT = '1'; DOTNET_CLI_TELEMETRY_OPTOUT = '1'; DOTNET_NOLOGO = '1' }
    $script:azurePipelines = @{ SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri; SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken }
    $script:managedIdentity = @{ AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:emulator.azureImdsAuthorityHost }

    # Every secret a job holds while it exports: none may be in a file that is not a token file.
    $script:jobSecrets = @($script:emulator.azureSystemAccessToken, $script:emulator.gitHubIdTokenRequestToken, 'emulator/Secret+Access/Key0000000000000')

    function Set-Variables([hashtable] $Variables) {
        foreach ($entry in $Variables.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    }

    function Assert-NoSecret($Export, [string[]] $Secret, [string[]] $Except = @()) {
        foreach ($file in $Export.Files | Where-Object { $_ -notin $Except }) {
            $text = [IO.File]::ReadAllText($file)
            foreach ($value in $Secret) { $text | Should -Not -Match ([regex]::Escape($value)) -Because "$file must hold no secret" }
        }
    }

    # The module reads the file as Google's libraries would.
    function Assert-ModuleReads($Export) {
        $token = Get-GoogleExternalAccountToken -ConfigurationFile $Export.Path -Force -AsPlainText
        $token.AccessToken | Should -BeLike 'ya29.emulator.*'
    }
}

AfterAll {
    foreach ($entry in $script:savedExports.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    if ($script:savedEnvironment) { Restore-TestEnvironment -Saved $script:savedEnvironment }
    if ($script:folder) { Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue }
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Exported files, read by gcloud and by the module' {
    BeforeEach {
        $script:config = if (-not $noGcloud) { New-TestGcloudConfig }
        $script:exportEnvironment = @{}
    }
    AfterEach {
        if ($script:config) { Remove-TestGcloudConfig -Config $script:config }
        foreach ($name in $script:exportEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'Azure Pipelines: an executable running this module, no secret in the files, the pipeline''s own token' {
        $script:exportEnvironment = $script:azurePipelines
        Set-Variables $script:azurePipelines
        $export = Export-GoogleCredentialConfiguration -AzurePipelines @endpoints -NoEnvironmentVariable

        $export.CredentialSource | Should -Be 'executable'
        $configuration = Get-Content -Raw $export.Path | ConvertFrom-Json
        # Google's tools split the command on white space (gcloud) or with shlex, which drops backslashes.
        $configuration.credential_source.executable.command | Should -Not -Match '\\|\s{2}'
        $configuration.credential_source.executable.command.Split(' ') | ForEach-Object { $_ | Should -Not -BeNullOrEmpty }
        Assert-NoSecret $export -Secret $script:jobSecrets
        $env:GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = '1'
        try { Assert-ModuleReads $export } finally { $env:GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = $null }
        if (-not $noGcloud) {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $export.Path -Environment ($script:childBase + $script:azurePipelines)
            $run.TokenInfo.active | Should -BeTrue
        }
    }

    It 'Azure managed identity: an executable asking the metadata service for the provider''s default audience' {
        $script:exportEnvironment = $script:managedIdentity
        Set-Variables $script:managedIdentity
        $export = Export-GoogleCredentialConfiguration -AzureManagedIdentity @endpoints -ServiceAccount $script:emulator.serviceAccount -TokenLifetimeSec 1800 -NoEnvironmentVariable

        $configuration = Get-Content -Raw $export.Path | ConvertFrom-Json
        $configuration.service_account_impersonation_url | Should -Be "$($script:emulator.iamCredentialsEndpoint)/v1/projects/-/serviceAccounts/$($script:emulator.serviceAccount):generateAccessToken"
        $configuration.service_account_impersonation.token_lifetime_seconds | Should -Be 1800
        $configuration.PSObject.Properties.Name | Should -Not -Contain 'token_info_url'
        Assert-NoSecret $export -Secret $script:jobSecrets
        $env:GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = '1'
        try { Assert-ModuleReads $export } finally { $env:GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = $null }
        if (-not $noGcloud) {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $export.Path -Environment ($script:childBase + $script:managedIdentity)
            $run.TokenInfo.username | Should -Be $script:emulator.serviceAccount
        }
    }

    It 'GitHub Actions: a url source as google-github-actions/auth writes it' {
        $script:exportEnvironment = @{ ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl; ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken }
        Set-Variables $script:exportEnvironment
        $export = Export-GoogleCredentialConfiguration -GitHubActions @endpoints -NoEnvironmentVariable

        $source = (Get-Content -Raw $export.Path | ConvertFrom-Json).credential_source
        $source.url | Should -Be "$($script:emulator.gitHubIdTokenRequestUrl)&audience=$([uri]::EscapeDataString('https://iam.googleapis.com/' + $script:emulator.workloadProvider.Substring(21)))"
        $source.format.subject_token_field_name | Should -Be 'value'
        # The one credential in any exported configuration, as the action writes it: the job's request token, valid while the job runs.
        $source.headers.Authorization | Should -Be "Bearer $($script:emulator.gitHubIdTokenRequestToken)"
        Assert-NoSecret $export -Secret ($script:jobSecrets -ne $script:emulator.gitHubIdTokenRequestToken)
        Assert-ModuleReads $export
        if (-not $noGcloud) {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $export.Path
            $run.TokenInfo.active | Should -BeTrue
        }
    }

    It 'AWS: an aws1 source as gcloud writes it, IMDSv2 included' {
        $export = Export-GoogleCredentialConfiguration -Aws -Imdsv2 -InstanceMetadataEndpoint $script:emulator.baseUrl @endpoints -NoEnvironmentVariable

        $source = (Get-Content -Raw $export.Path | ConvertFrom-Json).credential_source
        $source.environment_id | Should -Be 'aws1'
        $source.region_url | Should -Be "$($script:emulator.baseUrl)/latest/meta-data/placement/availability-zone"
        $source.url | Should -Be "$($script:emulator.baseUrl)/latest/meta-data/iam/security-credentials"
        $source.imdsv2_session_token_url | Should -Be "$($script:emulator.baseUrl)/latest/api/token"
        $source.regional_cred_verification_url | Should -Be 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15'
        (Get-Content -Raw $export.Path | ConvertFrom-Json).subject_token_type | Should -Be 'urn:ietf:params:aws:token-type:aws4_request'
        Assert-NoSecret $export -Secret $script:jobSecrets
        Assert-ModuleReads $export
        if (-not $noGcloud) {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $export.Path
            $run.TokenInfo.active | Should -BeTrue
        }
    }

    It 'a token in hand: a file source, the token in a file only its owner can read' {
        $jwt = New-TestJwt -Emulator $script:emulator
        $export = [pscustomobject]@{ SubjectToken = (ConvertTo-SecureString $jwt -AsPlainText -Force); SubjectTokenType = 'urn:ietf:params:oauth:token-type:jwt' } |
            Export-GoogleCredentialConfiguration @endpoints -NoEnvironmentVariable

        $export.CredentialSource | Should -Be 'file'
        $tokenFile = (Get-Content -Raw $export.Path | ConvertFrom-Json).credential_source.file
        Get-Content -Raw $tokenFile | Should -BeExactly $jwt
        if ($IsLinux) {
            (Get-Item $tokenFile).UnixMode | Should -Be '-rw-------'
            (Get-Item $export.Folder).UnixMode | Should -Be 'drwx------'
        }
        Assert-NoSecret $export -Secret (@($jwt) + $script:jobSecrets) -Except $tokenFile
        Assert-ModuleReads $export
        if (-not $noGcloud) {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $export.Path
            $run.TokenInfo.username | Should -BeLike '*/subject/jwt-subject'
        }
    }
}

Describe 'Variables for the next steps' {
    AfterEach {
        foreach ($name in $script:savedExports.Keys + 'TF_BUILD') { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'sets GOOGLE_APPLICATION_CREDENTIALS and the rest for this process, and the project variables with -ProjectId' {
        $jwt = New-TestJwt -Emulator $script:emulator
        $export = Export-GoogleCredentialConfiguration -SubjectToken $jwt @endpoints -ProjectId emulator-project

        $export.StepHost | Should -Be 'Process'
        $env:GOOGLE_APPLICATION_CREDENTIALS | Should -Be $export.Path
        $env:CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE | Should -Be $export.Path
        $env:GOOGLE_CLOUD_PROJECT | Should -Be 'emulator-project'
        $env:CLOUDSDK_CORE_PROJECT | Should -Be 'emulator-project'
        # Get-GoogleExternalAccountToken finds it through the variable.
        (Get-GoogleExternalAccountToken -Force -AsPlainText).AccessToken | Should -BeLike 'ya29.emulator.*'
    }

    It 'in Azure Pipelines writes setvariable logging commands, the access token marked issecret=true' {
        $env:TF_BUILD = 'True'
        $lines = @([pscustomobject]@{ AccessToken = 'ya29.handed-on-token' } | Export-GoogleAccessToken -Path $script:folder 6>&1 | Where-Object { $_ -is [Management.Automation.InformationRecord] } | ForEach-Object { "$($_.MessageData)" })

        $lines | Should -Contain '##vso[task.setvariable variable=GOOGLE_OAUTH_ACCESS_TOKEN;issecret=true]ya29.handed-on-token'
        $lines | Where-Object { $_.StartsWith('##vso[task.setvariable variable=CLOUDSDK_AUTH_ACCESS_TOKEN_FILE]') } | Should -HaveCount 1
    }

    It 'in GitHub Actions appends to GITHUB_ENV and masks the secret' {
        $env:GITHUB_ACTIONS = 'true'
        $env:GITHUB_ENV = Join-Path $script:folder "github-env-$([guid]::NewGuid())"
        $lines = @(Export-GoogleAccessToken -AccessToken 'ya29.masked-token' -Path $script:folder 6>&1 | Where-Object { $_ -is [Management.Automation.InformationRecord] } | ForEach-Object { "$($_.MessageData)" })

        $lines | Should -Be @('::add-mask::ya29.masked-token')
        $written = Get-Content -Raw $env:GITHUB_ENV
        $written | Should -Match '(?m)^GOOGLE_OAUTH_ACCESS_TOKEN<<(ghadelimiter_[0-9a-f]{32})\nya29\.masked-token\n\1$'
        $written | Should -Match '(?m)^CLOUDSDK_AUTH_ACCESS_TOKEN_FILE<<'
    }

    It 'hands gcloud an access token through CLOUDSDK_AUTH_ACCESS_TOKEN_FILE' -Skip:([bool]$noGcloud) {
        $export = Export-GoogleAccessToken -AccessToken 'ya29.emulator.handed-on' -Path $script:folder -NoEnvironmentVariable
        $config = New-TestGcloudConfig
        try {
            $print = Invoke-TestGcloud -Config $config -Arguments 'auth', 'print-access-token' -Environment @{ CLOUDSDK_AUTH_ACCESS_TOKEN_FILE = $export.Path }
            $print.ExitCode | Should -Be 0 -Because $print.StdErr
            $print.Token | Should -Be 'ya29.emulator.handed-on'
        }
        finally { Remove-TestGcloudConfig -Config $config }
    }
}

Describe 'Refusals' {
    It 'keeps a value with any of PowerShell''s single quotes one literal argument of the generated script' {
        $quotes = [char]0x27, [char]0x2018, [char]0x2019, [char]0x201A, [char]0x201B
        foreach ($quote in $quotes) {
            # The provider's name admits any character but '/', so the audience reaches the script as given.
            $audience = "$($script:emulator.workloadProvider)$quote+(Set-Content pwned hi)+$quote"
            $arguments = $script:endpoints.Clone()
            $arguments.Audience = $audience
            $export = Export-GoogleCredentialConfiguration -AzureManagedIdentity @arguments -NoEnvironmentVariable
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($export.Files[0], [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty
            $command = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Get-AzureManagedIdentityToken' }, $true)
            $command.CommandElements[2] | Should -BeOfType ([System.Management.Automation.Language.StringConstantExpressionAst])
            $command.CommandElements[2].Value | Should -BeExactly $audience
            $export | Remove-GoogleCredentialConfiguration
        }
    }

    It 'refuses what the executable would pass on, at export: <Parameter>' -ForEach @(
        @{ Parameter = 'ServiceConnectionId'; Arguments = @{ AzurePipelines = $true; ServiceConnectionId = 'my-connection' } }
        @{ Parameter = 'ClientId'; Arguments = @{ AzureManagedIdentity = $true; ClientId = 'my-identity' } }
        @{ Parameter = 'Resource'; Arguments = @{ AzureManagedIdentity = $true; Resource = 'not a uri' } }
    ) {
        { Export-GoogleCredentialConfiguration @Arguments @endpoints -ErrorAction Stop } | Should -Throw -ErrorId "InvalidParameter.$Parameter,StsPowerShell.Commands.ExportGoogleCredentialConfigurationCommand"
    }

    It 'leaves no folder, and no token file, behind when an export is refused' {
        $before = @(Get-ChildItem -Directory $script:folder -Filter 'sts-*').Count
        { Export-GoogleCredentialConfiguration -SubjectToken (New-TestJwt -Emulator $script:emulator) -TokenLifetimeSec 1200 @endpoints -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameter.TokenLifetimeSec,StsPowerShell.Commands.ExportGoogleCredentialConfigurationCommand'
        { Export-GoogleAccessToken -AccessToken 'ya29.x' -ProjectId "p`nX=1" -Path $script:folder -ErrorAction Stop } | Should -Throw
        @(Get-ChildItem -Directory $script:folder -Filter 'sts-*').Count | Should -Be $before
    }

    It 'removes nothing it did not write' {
        $victim = Join-Path $script:folder "victim-$([guid]::NewGuid()).txt"
        Set-Content -Path $victim -Value 'keep'
        { [pscustomobject]@{ Files = @($victim) } | Remove-GoogleCredentialConfiguration -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameter.LiteralPath,StsPowerShell.Commands.RemoveGoogleCredentialConfigurationCommand'
        Test-Path -LiteralPath $victim | Should -BeTrue
    }
}

Describe 'Clean-up' {
    It 'resolves a relative path from the current PowerShell location' {
        $export = Export-GoogleAccessToken -AccessToken 'ya29.relative' -Path $script:folder -NoEnvironmentVariable
        Push-Location $export.Folder
        try { Remove-GoogleCredentialConfiguration -LiteralPath 'access-token' }
        finally { Pop-Location }
        Test-Path -LiteralPath $export.Path | Should -BeFalse
    }

    It 'removes every file an export wrote, its folder, and the variables that named them' {
        $export = Export-GoogleCredentialConfiguration -SubjectToken (New-TestJwt -Emulator $script:emulator) @endpoints
        $env:GOOGLE_APPLICATION_CREDENTIALS | Should -Be $export.Path

        $token = Export-GoogleAccessToken -AccessToken 'ya29.cleared' -Path $script:folder
        $env:GOOGLE_OAUTH_ACCESS_TOKEN | Should -Be 'ya29.cleared'
        $export, $token | Remove-GoogleCredentialConfiguration

        $export.Files | ForEach-Object { Test-Path -LiteralPath $_ | Should -BeFalse }
        $env:GOOGLE_OAUTH_ACCESS_TOKEN | Should -BeNullOrEmpty
        Test-Path -LiteralPath $export.Folder | Should -BeFalse
        $env:GOOGLE_APPLICATION_CREDENTIALS | Should -BeNullOrEmpty
    }

    It 'leaves the folder when something else is in it, and removes nothing with -WhatIf' {
        $export = Export-GoogleAccessToken -AccessToken 'ya29.to-remove' -Path $script:folder -NoEnvironmentVariable
        $export | Remove-GoogleCredentialConfiguration -WhatIf
        Test-Path -LiteralPath $export.Path | Should -BeTrue

        Set-Content -Path (Join-Path $export.Folder 'not-ours.txt') -Value 'keep'
        $export | Remove-GoogleCredentialConfiguration
        Test-Path -LiteralPath $export.Path | Should -BeFalse
        Test-Path -LiteralPath $export.Folder | Should -BeTrue
    }
}
