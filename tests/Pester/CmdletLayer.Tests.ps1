#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The issue 11 contract: the cmdlet layer redesign, written before the change against its intended behaviour.
# Most of these tests FAIL on the code before issue 11, each on its behavioural assertion; that is their point
# ("every behaviour listed under Why is fixed and has a test that failed before the change"). None is skipped.
# Those that pass already hold the same contract where it is true today and must stay green: the references
# marked "already true", most ErrorId cases of d, and the network parameters Invoke-StsTokenExchange (and
# Get-GoogleExternalAccountToken's -TimeoutSec) already have.
# Grouped by the issue's list: a. invalid_grant diagnosis, b. paths, c. pipeline errors, d. secret inputs and
# ErrorIds, e. parameter sets, f. network parameters. Every endpoint is the emulator's on 127.0.0.1.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:provider = $script:emulator.workloadProvider
    $script:endpoint = $script:emulator.tokenEndpoint
    $script:iam = $script:emulator.iamCredentialsEndpoint
    $script:serviceAccount = $script:emulator.serviceAccount
    $script:accessKey = 'AKIAEMULATOREXAMPLE1'
    $script:secretKey = 'emulator/Secret+Access/Key0000000000000'

    $script:savedEnvironment = Clear-TestEnvironment

    $testHome = Enter-TestHome -Emulator $script:emulator
    $script:folder = $testHome.Folder
    $script:emptyHome = $testHome.Home
    # Instance metadata is off unless a test turns it on.
    $env:AWS_EC2_METADATA_DISABLED = 'true'

    # The shared New-TestConfiguration writes into this file's folder for this file's emulator.
    $PSDefaultParameterValues = @{ 'New-TestConfiguration:Emulator' = $script:emulator; 'New-TestConfiguration:Folder' = $script:folder }

    function New-CredentialsFile {
        param([string] $Path)
        Set-Content -Path $Path -Value "[build]`naws_access_key_id = $($script:accessKey)`naws_secret_access_key = $($script:secretKey)"
    }

    function New-FederatedToken {
        param([switch] $AsPlainText)
        Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt `
            -Audience $script:provider -Scope cloud-platform -AsPlainText:$AsPlainText
    }

    function ConvertTo-SecretInput {
        param([string] $Text)
        ConvertTo-SecureString $Text -AsPlainText -Force
    }

    # The error a call fails with, or $null; -ErrorAction Stop in the calls brings non-terminating errors here too.
    function Get-Failure {
        param([scriptblock] $Call)
        try { & $Call | Out-Null } catch { return $_ }
        $null
    }

    # An InvalidParameter.<Name> ErrorId must name a parameter the cmdlet has, with its exact case.
    function Assert-NamesExistingParameter {
        param([System.Management.Automation.ErrorRecord] $Failure, [string] $Command)
        $errorId = $Failure.FullyQualifiedErrorId.Split(',')[0]
        $errorId | Should -BeLikeExactly 'InvalidParameter.*'
        $name = $errorId.Substring('InvalidParameter.'.Length)
        (Get-Command $Command).Parameters.Keys -ccontains $name | Should -BeTrue -Because "'$name' must be a parameter of $Command, spelled as declared"
    }

    # The parameter set these arguments bind to, without running the cmdlet: a proxy with the cmdlet's param
    # block reports $PSCmdlet.ParameterSetName, or the binding error. It runs in a fresh runspace without a host
    # (see Get-IsolatedFailure), so a missing mandatory parameter fails instead of prompting.
    function Resolve-ParameterSet {
        param([string] $Command, [hashtable] $Parameters)
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Command, $Parameters)
                    Import-Module $Module
                    $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command $Command))
                    $probe = [scriptblock]::Create(
                        [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($metadata) +
                        "`nparam(" + [System.Management.Automation.ProxyCommand]::GetParamBlock($metadata) + ")`nprocess { `$PSCmdlet.ParameterSetName }")
                    try { & $probe @Parameters } catch { $_ }
                }.ToString()).AddArgument($env:STSPOWERSHELL_MODULE).AddArgument($Command).AddArgument($Parameters)
            $shell.Invoke() | Select-Object -First 1 | ForEach-Object { $_.PSObject.BaseObject }
        }
        finally {
            $shell.Dispose()
        }
    }

    # The error of one call made in a fresh runspace without a host: a missing mandatory parameter there is an
    # error at once, where an interactive session would stop and prompt. The call is caught inside that runspace,
    # so the record is the one a script's catch sees (its Exception the ParameterBindingException itself).
    function Get-IsolatedFailure {
        param([string] $Command, [hashtable] $Parameters)
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript('param($Module, $Command, $Parameters) Import-Module $Module; try { & $Command @Parameters -ErrorAction Stop | Out-Null } catch { $_ }').
            AddArgument($env:STSPOWERSHELL_MODULE).AddArgument($Command).AddArgument($Parameters)
            $shell.Invoke() | Select-Object -First 1
        }
        finally {
            $shell.Dispose()
        }
    }

    # Runs $Call while the emulator holds its next answer back for $DelayMs. When the call sent nothing (a
    # binding error, say), the queued fault is spent on a throwaway request so it cannot slow the next test.
    function Invoke-WithSlowAnswer {
        param([int] $DelayMs, [scriptblock] $Call)
        $before = Get-TestRequestCount -Emulator $script:emulator
        Add-TestFault -Emulator $script:emulator -Fault @{ delayMs = $DelayMs }
        $output = $null
        $failure = $null
        try { $output = & $Call } catch { $failure = $_ }
        if ((Get-TestRequestCount -Emulator $script:emulator) -eq $before) {
            try { $null = Invoke-WebRequest -Uri "$($script:emulator.baseUrl)/spend-fault" -TimeoutSec 1 -SkipHttpErrorCheck } catch { }
        }

        [pscustomobject]@{ Output = $output; Failure = $failure }
    }
}

AfterAll {
    Restore-TestEnvironment -Saved $script:savedEnvironment

    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'a. The invalid_grant diagnosis runs in every exchange' {
    BeforeAll {
        $script:wrongAudienceJwt = New-TestJwt -Emulator $script:emulator -Audience 'https://someone.else'
        # What Test-StsSubjectToken says is wrong with that JWT: each of these must reach the error.
        $script:failingChecks = @(Test-StsSubjectToken -SubjectToken $script:wrongAudienceJwt -SubjectTokenType jwt -Audience $script:provider | Where-Object Passed -EQ $false).Requirement
    }

    It 'Invoke-StsTokenExchange names the failing subject-token checks (already true)' {
        @($script:failingChecks).Count | Should -BeGreaterThan 0
        $failure = Get-Failure { Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken $script:wrongAudienceJwt -SubjectTokenType jwt -Audience $script:provider -Scope cloud-platform -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
        foreach ($check in $script:failingChecks) { $failure.Exception.Message | Should -Match ([regex]::Escape($check)) }
    }

    It 'Get-GoogleExternalAccountToken names the failing subject-token checks for the same JWT' {
        $path = Join-Path $script:folder "wrong-audience-$([guid]::NewGuid()).json"
        $tokenFile = "$path.jwt"
        Set-Content -Path $tokenFile -Value $script:wrongAudienceJwt -NoNewline
        @{ type = 'external_account'; audience = $script:provider; subject_token_type = 'urn:ietf:params:oauth:token-type:jwt'; token_url = $script:endpoint; credential_source = @{ file = $tokenFile } } |
            ConvertTo-Json | Set-Content -Path $path

        $failure = Get-Failure { Get-GoogleExternalAccountToken -ConfigurationFile $path -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
        foreach ($check in $script:failingChecks) { $failure.Exception.Message | Should -Match ([regex]::Escape($check)) }
    }
}

Describe 'b. Paths resolve against the PowerShell location and providers' {
    BeforeAll {
        # The process directory is somewhere else entirely, as C:\Windows\System32 is for a Windows runbook.
        $script:savedProcessDirectory = [Environment]::CurrentDirectory
        $script:processDirectory = Join-Path $script:folder 'process-directory'
        New-Item -ItemType Directory -Path $script:processDirectory | Out-Null
        [Environment]::CurrentDirectory = $script:processDirectory
        [Environment]::CurrentDirectory | Should -Not -Be $TestDrive

        $null = New-TestConfiguration -Folder $TestDrive -Name 'cfg.json'
        New-CredentialsFile -Path (Join-Path $TestDrive 'credentials')
    }

    AfterAll {
        [Environment]::CurrentDirectory = $script:savedProcessDirectory
    }

    BeforeEach { Push-Location $TestDrive }
    AfterEach { Pop-Location }

    It 'Get-GoogleExternalAccountToken -ConfigurationFile ./cfg.json reads cfg.json in $PWD' {
        $token = Get-GoogleExternalAccountToken -ConfigurationFile ./cfg.json -Force
        $token.TokenType | Should -Be 'Bearer'
    }

    It 'New-AwsCallerIdentityToken -ProfileLocation ./credentials reads credentials in $PWD' {
        $subject = New-AwsCallerIdentityToken -Audience $script:provider -ProfileName build -ProfileLocation ./credentials -Region us-east-1
        $subject.CredentialSource | Should -Be "profile 'build'"
        $subject.AccessKeyId | Should -Be $script:accessKey
    }

    Context '~ names the home folder' {
        BeforeEach {
            # Both the provider's home and HOME, so either way of expanding ~ finds the files.
            $script:savedProviderHome = (Get-PSProvider FileSystem).Home
            (Get-PSProvider FileSystem).Home = $TestDrive
            $env:HOME = $TestDrive
        }

        AfterEach {
            (Get-PSProvider FileSystem).Home = $script:savedProviderHome
            $env:HOME = $script:emptyHome
        }

        It 'Get-GoogleExternalAccountToken -ConfigurationFile ~/cfg.json' {
            (Get-GoogleExternalAccountToken -ConfigurationFile ~/cfg.json -Force).TokenType | Should -Be 'Bearer'
        }

        It 'New-AwsCallerIdentityToken -ProfileLocation ~/credentials' {
            (New-AwsCallerIdentityToken -Audience $script:provider -ProfileName build -ProfileLocation ~/credentials -Region us-east-1).CredentialSource | Should -Be "profile 'build'"
        }
    }

    Context 'a FileSystem PSDrive' {
        BeforeEach { New-PSDrive -Name StsPesterDrive -PSProvider FileSystem -Root $TestDrive -Scope Global | Out-Null }
        AfterEach { Remove-PSDrive -Name StsPesterDrive -Scope Global }

        It 'Get-GoogleExternalAccountToken -ConfigurationFile StsPesterDrive:/cfg.json' {
            (Get-GoogleExternalAccountToken -ConfigurationFile StsPesterDrive:/cfg.json -Force).TokenType | Should -Be 'Bearer'
        }

        It 'New-AwsCallerIdentityToken -ProfileLocation StsPesterDrive:/credentials' {
            (New-AwsCallerIdentityToken -Audience $script:provider -ProfileName build -ProfileLocation StsPesterDrive:/credentials -Region us-east-1).CredentialSource | Should -Be "profile 'build'"
        }
    }

    It 'refuses -ConfigurationFile on a provider that is not the file system (Env:\PATH)' {
        $failure = Get-Failure { Get-GoogleExternalAccountToken -ConfigurationFile Env:\PATH -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLikeExactly 'InvalidParameter.ConfigurationFile,*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-NamesExistingParameter -Failure $failure -Command Get-GoogleExternalAccountToken
    }

    It 'refuses -ProfileLocation on a provider that is not the file system (Variable:\PSHOME)' {
        $failure = Get-Failure { New-AwsCallerIdentityToken -Audience $script:provider -ProfileName build -ProfileLocation Variable:\PSHOME -Region us-east-1 -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLikeExactly 'InvalidParameter.ProfileLocation,*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-NamesExistingParameter -Failure $failure -Command New-AwsCallerIdentityToken
    }

    It 'names -ConfigurationFile when the file does not exist' {
        $failure = Get-Failure { Get-GoogleExternalAccountToken -ConfigurationFile ./missing.json -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLikeExactly 'InvalidParameter.ConfigurationFile,*'
        $failure.Exception.Message | Should -Match 'missing\.json'
    }

    It 'names -ProfileLocation when the file does not exist' {
        $failure = Get-Failure { New-AwsCallerIdentityToken -Audience $script:provider -ProfileName build -ProfileLocation ./missing-credentials -Region us-east-1 -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLikeExactly 'InvalidParameter.ProfileLocation,*'
        $failure.Exception.Message | Should -Match 'missing-credentials'
    }
}

Describe 'c. One bad pipeline input is a non-terminating error, and the cmdlet goes on' {
    BeforeAll {
        # Subject tokens as SecureStrings, so the input objects an error carries as its target hold no plain secret.
        function New-ExchangeInput {
            param([string] $Name, [string] $SubjectTokenType = 'jwt', [string] $Audience = $script:provider)
            [pscustomobject]@{ Name = $Name; SubjectToken = (ConvertTo-SecretInput (New-TestJwt -Emulator $script:emulator)); SubjectTokenType = $SubjectTokenType; Audience = $Audience }
        }
    }

    Context 'Invoke-StsTokenExchange, the second of three inputs with <Case>' -ForEach @(
        @{ Case = 'an unknown token type'; Bad = @{ SubjectTokenType = 'no-such-type' }; ErrorId = 'InvalidParameter.SubjectTokenType'; SentBeforeStop = 1 }
        @{ Case = 'an audience the STS refuses'; Bad = @{ Audience = '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/none/providers/none' }; ErrorId = 'StsOAuthError.invalid_target'; SentBeforeStop = 2 }
    ) {
        BeforeEach {
            $bad = $Bad
            $script:inputs = @((New-ExchangeInput -Name first), (New-ExchangeInput -Name second @bad), (New-ExchangeInput -Name third))
        }

        It 'writes two tokens and one error with -ErrorAction SilentlyContinue' {
            $tokens = $null
            try { $tokens = $script:inputs | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform -ErrorAction SilentlyContinue -ErrorVariable failures } catch { }
            @($tokens).Count | Should -Be 2
            @($failures).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            if ($ErrorId -like 'InvalidParameter.*') { Assert-NamesExistingParameter -Failure $failures[0] -Command Invoke-StsTokenExchange }
        }

        It 'gives the error the second input as its TargetObject' {
            try { $null = $script:inputs | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform -ErrorAction SilentlyContinue -ErrorVariable failures } catch { }
            @($failures)[0].TargetObject.Name | Should -Be 'second'
        }

        It 'stops at the second input with -ErrorAction Stop, never sending the third' {
            $tokens = [System.Collections.Generic.List[object]]::new()
            $before = Get-TestRequestCount -Emulator $script:emulator
            $failure = Get-Failure { $script:inputs | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform -ErrorAction Stop | ForEach-Object { $tokens.Add($_) } }
            $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $tokens.Count | Should -Be 1
            (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be $SentBeforeStop
            $failure.TargetObject.Name | Should -Be 'second'
        }
    }

    Context 'Test-StsSubjectToken, the second of three inputs with an unknown token type' {
        BeforeEach {
            $script:inputs = @((New-ExchangeInput -Name first), (New-ExchangeInput -Name second -SubjectTokenType 'no-such-type'), (New-ExchangeInput -Name third))
            $script:checksPerToken = @(Test-StsSubjectToken -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt -Audience $script:provider).Count
        }

        It 'writes the checks of the first and third inputs and one error naming the second' {
            $checks = $null
            try { $checks = $script:inputs | Test-StsSubjectToken -ErrorAction SilentlyContinue -ErrorVariable failures } catch { }
            @($checks).Count | Should -Be (2 * $script:checksPerToken)
            @($failures).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.SubjectTokenType,*'
            $failures[0].TargetObject.Name | Should -Be 'second'
        }

        It 'stops at the second input with -ErrorAction Stop' {
            $checks = [System.Collections.Generic.List[object]]::new()
            $failure = Get-Failure { $script:inputs | Test-StsSubjectToken -ErrorAction Stop | ForEach-Object { $checks.Add($_) } }
            $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.SubjectTokenType,*'
            $checks.Count | Should -Be $script:checksPerToken
            $failure.TargetObject.Name | Should -Be 'second'
        }
    }

    Context 'New-GoogleServiceAccountAccessToken, the second of three federated tokens not accepted' {
        BeforeEach {
            $first = New-FederatedToken
            $second = [StsPowerShell.StsToken]@{ AccessToken = (ConvertTo-SecretInput 'ya29.never-issued'); IssuedTokenType = 'urn:ietf:params:oauth:token-type:access_token'; Scope = 'https://www.googleapis.com/auth/cloud-platform' }
            $third = New-FederatedToken
            # A marker to recognise each input when it comes back as an error's target.
            $first.AdditionalFields['name'] = 'first'; $second.AdditionalFields['name'] = 'second'; $third.AdditionalFields['name'] = 'third'
            $script:inputs = @($first, $second, $third)
        }

        It 'writes two tokens and one error naming the second input' {
            $tokens = $null
            try { $tokens = $script:inputs | New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam -ErrorAction SilentlyContinue -ErrorVariable failures } catch { }
            @($tokens).Count | Should -Be 2
            @($failures).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'GoogleApiError.UNAUTHENTICATED,*'
            $failures[0].TargetObject.AdditionalFields.name | Should -Be 'second'
        }

        It 'stops at the second input with -ErrorAction Stop, never sending the third' {
            $tokens = [System.Collections.Generic.List[object]]::new()
            $before = Get-TestRequestCount -Emulator $script:emulator
            $failure = Get-Failure { $script:inputs | New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam -ErrorAction Stop | ForEach-Object { $tokens.Add($_) } }
            $failure.FullyQualifiedErrorId | Should -BeLike 'GoogleApiError.UNAUTHENTICATED,*'
            $tokens.Count | Should -Be 1
            (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be 2
            $failure.TargetObject.AdditionalFields.name | Should -Be 'second'
        }
    }

    Context 'Get-GoogleExternalAccountToken, three configuration files piped from Get-ChildItem, the second malformed' {
        BeforeEach {
            $script:configurations = Join-Path $script:folder "configurations-$([guid]::NewGuid())"
            New-Item -ItemType Directory -Path $script:configurations | Out-Null
            $null = New-TestConfiguration -Folder $script:configurations -Name '1-first.json'
            Set-Content -Path (Join-Path $script:configurations '2-second.json') -Value '{ "type": "external_account", "token_lifetime": 3600 }'
            $null = New-TestConfiguration -Folder $script:configurations -Name '3-third.json'
        }

        It 'writes two tokens and one error naming the second file' {
            $tokens = $null
            try { $tokens = Get-ChildItem -Path $script:configurations -Filter '*.json' | Sort-Object Name | Get-GoogleExternalAccountToken -Force -ErrorAction SilentlyContinue -ErrorVariable failures } catch { }
            @($tokens).Count | Should -Be 2
            @($failures).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ExternalAccountConfigurationInvalid,*'
            "$($failures[0].TargetObject)" | Should -BeLike '*2-second.json'
        }
    }
}

Describe 'd. Wrong-type secrets name the parameter; every InvalidParameter ErrorId names a real parameter' {
    BeforeAll {
        $script:rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer
        $script:client = [pscredential]::new('pester-client', (ConvertTo-SecretInput 'pester-client-secret'))
        $script:secretCalls = @{
            'Invoke-StsTokenExchange/SubjectToken'             = { Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken @{ a = 1 } -SubjectTokenType jwt -Audience $script:provider -ErrorAction Stop }
            'Invoke-StsTokenExchange/ActorToken'               = { Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -ActorToken (Get-Date) -ActorTokenType jwt -ErrorAction Stop }
            'Test-StsSubjectToken/SubjectToken'                = { Test-StsSubjectToken -SubjectToken @{ a = 1 } -SubjectTokenType jwt -ErrorAction Stop }
            'Get-AzurePipelinesIdToken/SystemAccessToken'      = { Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken (Get-Date) -ErrorAction Stop }
            'Get-GitHubActionsIdToken/RequestToken'            = { Get-GitHubActionsIdToken -RequestUrl $script:emulator.gitHubIdTokenRequestUrl -RequestToken 42 -ErrorAction Stop }
            'New-GoogleServiceAccountAccessToken/AccessToken'  = { New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -AccessToken 42 -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
            'New-GoogleServiceAccountIdToken/AccessToken'      = { New-GoogleServiceAccountIdToken -ServiceAccount $script:serviceAccount -Audience https://service.example/ -AccessToken (Get-Date) -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
            'New-GoogleDownscopedAccessToken/AccessToken'      = { New-GoogleDownscopedAccessToken -AccessToken @{ a = 1 } -AccessBoundaryRule $script:rule -TokenEndpoint $script:endpoint -ErrorAction Stop }
            'New-AwsCallerIdentityToken/SecretKey'             = { New-AwsCallerIdentityToken -Audience $script:provider -AccessKey $script:accessKey -SecretKey @{ a = 1 } -Region us-east-1 -ErrorAction Stop }
            'New-AwsCallerIdentityToken/SessionToken'          = { New-AwsCallerIdentityToken -Audience $script:provider -AccessKey $script:accessKey -SecretKey $script:secretKey -SessionToken (Get-Date) -Region us-east-1 -ErrorAction Stop }
            'New-AwsCallerIdentityToken/Credential'            = { New-AwsCallerIdentityToken -Audience $script:provider -Credential 42 -Region us-east-1 -ErrorAction Stop }
        }
        $script:inputErrorCalls = @{
            'Invoke-StsTokenExchange/an Authorization header with HTTP Basic client credentials' = {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -ClientCredential $script:client -AdditionalHeader @{ Authorization = 'Bearer x' } -ErrorAction Stop }
            'Get-AzurePipelinesIdToken/a service connection id that is no GUID'                  = {
                Get-AzurePipelinesIdToken -ServiceConnectionId 'not-a-guid' -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken 'job-token' -ErrorAction Stop }
            'Invoke-StsTokenExchange/an unknown requested token type'                           = {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -RequestedTokenType no-such-type -ErrorAction Stop }
            'Invoke-StsTokenExchange/options that are a JSON array'                             = {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -Options '[1]' -ErrorAction Stop }
            'Invoke-StsTokenExchange/a scope with a quote'                                      = {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -Scope 'a"b' -ErrorAction Stop }
            'Invoke-StsTokenExchange/a workforce user project for a workload pool'              = {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -WorkforcePoolUserProject my-project -ErrorAction Stop }
            'Get-GitHubActionsIdToken/a relative request URL'                                   = {
                Get-GitHubActionsIdToken -RequestUrl 'github/idtoken' -RequestToken 'job-token' -ErrorAction Stop }
            'Get-GoogleExternalAccountToken/a blank scope'                                      = {
                Get-GoogleExternalAccountToken -ConfigurationFile (New-TestConfiguration) -Scope ' ' -ErrorAction Stop }
            'New-GoogleServiceAccountAccessToken/a malformed delegate'                          = {
                New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -AccessToken 'ya29.any' -Delegate 'not an account' -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
            'New-GoogleServiceAccountIdToken/a blank audience'                                  = {
                New-GoogleServiceAccountIdToken -ServiceAccount $script:serviceAccount -AccessToken 'ya29.any' -Audience ' ' -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
            'New-GoogleDownscopedAccessToken/eleven rules'                                      = {
                New-GoogleDownscopedAccessToken -AccessToken 'ya29.any' -AccessBoundaryRule (@($script:rule) * 11) -TokenEndpoint $script:endpoint -ErrorAction Stop }
            'New-GoogleAccessBoundaryRule/a blank resource'                                     = {
                New-GoogleAccessBoundaryRule -AvailableResource ' ' -AvailablePermission roles/storage.objectViewer -ErrorAction Stop }
            'New-AwsCallerIdentityToken/a malformed region'                                     = {
                New-AwsCallerIdentityToken -Audience $script:provider -AccessKey $script:accessKey -SecretKey $script:secretKey -Region 'Not A Region' -ErrorAction Stop }
            'Test-StsSubjectToken/an unknown token type'                                        = {
                Test-StsSubjectToken -SubjectToken 'subject-value' -SubjectTokenType no-such-type -ErrorAction Stop }
        }
    }

    It '<Command> -<Parameter> <Given> is InvalidParameter.<Parameter> (InvalidArgument), before any request' -ForEach @(
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'SubjectToken'; Given = '@{a=1}' }
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'ActorToken'; Given = '(Get-Date)' }
        @{ Command = 'Test-StsSubjectToken'; Parameter = 'SubjectToken'; Given = '@{a=1}' }
        @{ Command = 'Get-AzurePipelinesIdToken'; Parameter = 'SystemAccessToken'; Given = '(Get-Date)' }
        @{ Command = 'Get-GitHubActionsIdToken'; Parameter = 'RequestToken'; Given = '42' }
        @{ Command = 'New-GoogleServiceAccountAccessToken'; Parameter = 'AccessToken'; Given = '42' }
        @{ Command = 'New-GoogleServiceAccountIdToken'; Parameter = 'AccessToken'; Given = '(Get-Date)' }
        @{ Command = 'New-GoogleDownscopedAccessToken'; Parameter = 'AccessToken'; Given = '@{a=1}' }
        @{ Command = 'New-AwsCallerIdentityToken'; Parameter = 'SecretKey'; Given = '@{a=1}' }
        @{ Command = 'New-AwsCallerIdentityToken'; Parameter = 'SessionToken'; Given = '(Get-Date)' }
        @{ Command = 'New-AwsCallerIdentityToken'; Parameter = 'Credential'; Given = '42' }
    ) {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = Get-Failure $script:secretCalls["$Command/$Parameter"]

        $failure.FullyQualifiedErrorId | Should -BeLikeExactly "InvalidParameter.$Parameter,*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-NamesExistingParameter -Failure $failure -Command $Command
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }

    It '<Command> with <Case>: the ErrorId names an existing parameter, exactly' -ForEach @(
        @{ Command = 'Invoke-StsTokenExchange'; Case = 'an Authorization header with HTTP Basic client credentials' }
        @{ Command = 'Get-AzurePipelinesIdToken'; Case = 'a service connection id that is no GUID' }
        @{ Command = 'Invoke-StsTokenExchange'; Case = 'an unknown requested token type' }
        @{ Command = 'Invoke-StsTokenExchange'; Case = 'options that are a JSON array' }
        @{ Command = 'Invoke-StsTokenExchange'; Case = 'a scope with a quote' }
        @{ Command = 'Invoke-StsTokenExchange'; Case = 'a workforce user project for a workload pool' }
        @{ Command = 'Get-GitHubActionsIdToken'; Case = 'a relative request URL' }
        @{ Command = 'Get-GoogleExternalAccountToken'; Case = 'a blank scope' }
        @{ Command = 'New-GoogleServiceAccountAccessToken'; Case = 'a malformed delegate' }
        @{ Command = 'New-GoogleServiceAccountIdToken'; Case = 'a blank audience' }
        @{ Command = 'New-GoogleDownscopedAccessToken'; Case = 'eleven rules' }
        @{ Command = 'New-GoogleAccessBoundaryRule'; Case = 'a blank resource' }
        @{ Command = 'New-AwsCallerIdentityToken'; Case = 'a malformed region' }
        @{ Command = 'Test-StsSubjectToken'; Case = 'an unknown token type' }
    ) {
        $failure = Get-Failure $script:inputErrorCalls["$Command/$Case"]

        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-NamesExistingParameter -Failure $failure -Command $Command
    }
}

Describe 'e. Invoke-StsTokenExchange has parameter sets, so misuse is a binding error' {
    BeforeAll {
        $script:client = [pscredential]::new('pester-client', (ConvertTo-SecretInput 'pester-client-secret'))
        $script:valid = @{ TokenEndpoint = $script:endpoint; SubjectToken = 'subject-value'; SubjectTokenType = 'jwt'; Audience = $script:provider; Scope = 'cloud-platform' }
    }

    It '<Misuse> is a ParameterBindingException, and nothing is sent' -ForEach @(
        @{ Misuse = '-Force without -ReuseToken'; Extra = @{ Force = $true } }
        @{ Misuse = '-ClientAuthentication without -ClientCredential'; Extra = @{ ClientAuthentication = 'RequestBody' } }
        @{ Misuse = '-ActorTokenType without -ActorToken'; Extra = @{ ActorTokenType = 'jwt' } }
    ) {
        $parameters = $script:valid + $Extra
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = Get-IsolatedFailure -Command Invoke-StsTokenExchange -Parameters $parameters

        $failure | Should -Not -BeNullOrEmpty -Because "$Misuse must not be accepted"
        $failure.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }

    # Reuse and client credentials (sent with Basic) combine with every set; -Force, -ClientAuthentication and the
    # actor token each have a set of their own, since PowerShell can resolve only one such set before pipeline input.
    It 'still binds the valid form <Form>' -ForEach @(
        @{ Form = '-ReuseToken -Force'; Extra = @{ ReuseToken = $true; Force = $true } }
        @{ Form = '-ReuseToken -Force -ClientCredential'; Extra = @{ ReuseToken = $true; Force = $true; ClientCredential = 'client' } }
        @{ Form = '-ClientCredential -ClientAuthentication RequestBody'; Extra = @{ ClientCredential = 'client'; ClientAuthentication = 'RequestBody' } }
        @{ Form = '-ClientCredential -ClientAuthentication RequestBody -ReuseToken'; Extra = @{ ClientCredential = 'client'; ClientAuthentication = 'RequestBody'; ReuseToken = $true } }
        @{ Form = '-ActorToken -ActorTokenType'; Extra = @{ ActorToken = 'actor-value'; ActorTokenType = 'jwt' } }
        @{ Form = 'reuse, Basic client credentials and an actor token together'; Extra = @{ ReuseToken = $true; ClientCredential = 'client'; ActorToken = 'actor-value'; ActorTokenType = 'jwt' } }
    ) {
        $parameters = $script:valid + $Extra
        if ($parameters.ContainsKey('ClientCredential')) { $parameters.ClientCredential = $script:client }
        Resolve-ParameterSet -Command Invoke-StsTokenExchange -Parameters $parameters | Should -BeOfType ([string]) -Because "$Form is a valid combination (a set name, not a binding error)"
    }

    It 'shows more than one parameter set in Get-Command and more than one syntax in Get-Help' {
        (Get-Command Invoke-StsTokenExchange).ParameterSets.Count | Should -BeGreaterThan 1
        @((Get-Help Invoke-StsTokenExchange).syntax.syntaxItem).Count | Should -BeGreaterThan 1
    }
}

Describe 'f. Every cmdlet that calls a server has the same network parameters' {
    BeforeDiscovery {
        $script:networkCommands = 'Invoke-StsTokenExchange', 'Get-GoogleExternalAccountToken', 'New-GoogleServiceAccountAccessToken', 'New-GoogleServiceAccountIdToken',
        'New-GoogleDownscopedAccessToken', 'Get-AzurePipelinesIdToken', 'Get-GitHubActionsIdToken', 'New-AwsCallerIdentityToken'
        $script:parameterCases = foreach ($command in $script:networkCommands) {
            @{ Command = $command; Parameter = 'TimeoutSec'; Default = 30; Minimum = 1; Maximum = 3600 }
            @{ Command = $command; Parameter = 'MaximumRetryCount'; Default = 3; Minimum = 0; Maximum = 10 }
            @{ Command = $command; Parameter = 'RetryIntervalSec'; Default = 1; Minimum = 0; Maximum = 60 }
        }
    }

    It '<Command> has -<Parameter> [int] = <Default>, range <Minimum>..<Maximum>, in every parameter set' -ForEach $script:parameterCases {
        $command = Get-Command $Command
        $command.Parameters.Keys -ccontains $Parameter | Should -BeTrue -Because "-$Parameter is one of the network parameters"
        $metadata = $command.Parameters[$Parameter]
        $metadata.ParameterType | Should -Be ([int])
        $range = $metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
        $range.MinRange | Should -Be $Minimum
        $range.MaxRange | Should -Be $Maximum
        # The default is what a fresh cmdlet object holds before binding.
        [Activator]::CreateInstance($command.ImplementingType).$Parameter | Should -Be $Default
        foreach ($set in $command.ParameterSets) { $set.Parameters.Name | Should -Contain $Parameter -Because "set $($set.Name)" }
    }

    Context '-TimeoutSec is honoured' {
        It 'Invoke-StsTokenExchange gives up with StsTimeout (already true)' {
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call {
                Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt -Audience $script:provider -Scope cloud-platform -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
            $run.Failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
        }

        It 'Get-GoogleExternalAccountToken gives up with StsTimeout (already true)' {
            $path = New-TestConfiguration
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call { Get-GoogleExternalAccountToken -ConfigurationFile $path -Force -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        It 'New-GoogleServiceAccountAccessToken gives up with StsTimeout' {
            $federated = New-FederatedToken
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call { $federated | New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        It 'New-GoogleServiceAccountIdToken gives up with StsTimeout' {
            $federated = New-FederatedToken
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call { $federated | New-GoogleServiceAccountIdToken -ServiceAccount $script:serviceAccount -Audience https://service.example/ -IamCredentialsEndpoint $script:iam -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        It 'New-GoogleDownscopedAccessToken gives up with StsTimeout' {
            $federated = New-FederatedToken
            $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call { $federated | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $script:endpoint -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        It 'Get-AzurePipelinesIdToken gives up with StsTimeout' {
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call {
                Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken $script:emulator.azureSystemAccessToken -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        It 'Get-GitHubActionsIdToken gives up with StsTimeout' {
            $run = Invoke-WithSlowAnswer -DelayMs 5000 -Call {
                Get-GitHubActionsIdToken -RequestUrl $script:emulator.gitHubIdTokenRequestUrl -RequestToken $script:emulator.gitHubIdTokenRequestToken -TimeoutSec 1 -ErrorAction Stop }
            $run.Failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        }

        # New-AwsCallerIdentityToken sends nothing itself; its servers are the credential sources, and a source
        # that does not answer is by design a reason listed in AwsCredentialsNotFound, not StsTimeout. So the
        # check is the other way round: given more time than the 1 s default, a slow source is waited for.
        It 'New-AwsCallerIdentityToken waits -TimeoutSec for slow container credentials' {
            $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = "$($script:emulator.baseUrl)/container/credentials/task"
            try {
                $run = Invoke-WithSlowAnswer -DelayMs 2500 -Call { New-AwsCallerIdentityToken -Audience $script:provider -Region us-east-1 -TimeoutSec 10 -ErrorAction Stop }
            }
            finally {
                $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = $null
            }

            $run.Failure | Should -BeNullOrEmpty
            $run.Output.CredentialSource | Should -BeLike 'container credentials at *'
        }
    }
}
