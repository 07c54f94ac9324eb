#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The leak scanner and the load test, through the cmdlets: every stream of every server-talking cmdlet, success
# and failure, with -Verbose and -Debug on, searched for known secrets; and exchanges under ForEach-Object -Parallel.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:awsSecret = 'emulator/Secret+Access/Key0000000000000'
    $script:clientSecret = 'pester-client-secret+/=&:5e2'
    $script:secrets = [System.Collections.Generic.List[string]]::new()
    $script:secrets.AddRange([string[]]@($script:awsSecret, $script:clientSecret, $script:emulator.azureSystemAccessToken, $script:emulator.gitHubIdTokenRequestToken))

    # Runs a command with every stream merged, and returns all that was shown, errors included.
    function Invoke-Captured {
        param([scriptblock] $Command)
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $records = try { & $Command *>&1 } catch { $_ }
        foreach ($record in @($records)) {
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                $record.ToString(); $record.Exception.ToString(); $record.FullyQualifiedErrorId; $record.ErrorDetails
            }
            elseif ($record -is [System.Management.Automation.InformationalRecord]) {
                $record.Message
            }
            elseif ($null -ne $record) {
                $record.ToString(); ($record | Format-List * | Out-String); ($record | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
                foreach ($name in 'AccessToken', 'SubjectToken', 'RefreshToken') {
                    $value = $record.PSObject.Properties[$name].Value
                    if ($value -is [securestring]) { $script:secrets.Add([System.Net.NetworkCredential]::new('', $value).Password) }
                    elseif ($value -is [string] -and $value) { $script:secrets.Add($value) }
                }
            }
        }
    }

    function Assert-NoSecret {
        param([string[]] $Shown)
        $text = $Shown -join "`n"
        foreach ($secret in $script:secrets | Where-Object { $_ } | Select-Object -Unique) {
            foreach ($form in $secret, [uri]::EscapeDataString($secret), [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($secret)).TrimEnd('=')) {
                $text.Contains($form) | Should -BeFalse -Because 'no secret may be shown'
            }
        }
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Secret leak scan of every cmdlet' {
    It 'shows no secret on success or failure, in any stream' {
        $provider = $script:emulator.workloadProvider
        $endpoint = $script:emulator.tokenEndpoint
        $jwt = New-TestJwt -Emulator $script:emulator
        $script:secrets.Add($jwt)
        $client = [pscredential]::new('pester-client', (ConvertTo-SecureString $script:clientSecret -AsPlainText -Force))
        $env:SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri
        $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
        $env:ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl
        $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken
        try {
            $shown = @(
                Invoke-Captured { Invoke-StsTokenExchange -TokenEndpoint $endpoint -SubjectToken $jwt -SubjectTokenType jwt -Audience $provider -Scope cloud-platform }
                Invoke-Captured { Invoke-StsTokenExchange -TokenEndpoint $endpoint -SubjectToken $jwt -SubjectTokenType jwt -Audience $provider -Scope cloud-platform -ClientCredential $client }
                Invoke-Captured { Invoke-StsTokenExchange -TokenEndpoint $endpoint -SubjectToken $jwt -SubjectTokenType jwt -Audience 'https://wrong' -Scope cloud-platform }
                Invoke-Captured { Invoke-StsTokenExchange -TokenEndpoint $endpoint -SubjectToken $jwt -SubjectTokenType $jwt }
                Invoke-Captured { New-AwsCallerIdentityToken -Audience $provider -AccessKey AKIAEMULATOREXAMPLE1 -SecretKey $script:awsSecret -Region us-east-1 -AsPlainText | Invoke-StsTokenExchange -TokenEndpoint $endpoint -Scope cloud-platform }
                Invoke-Captured { New-AwsCallerIdentityToken -Audience $provider -AccessKey AKIAUNKNOWN0000000001 -SecretKey $script:awsSecret -Region us-east-1 | Invoke-StsTokenExchange -TokenEndpoint $endpoint -Scope cloud-platform }
                Invoke-Captured { Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -AsPlainText | Invoke-StsTokenExchange -TokenEndpoint $endpoint -Audience $provider -Scope cloud-platform | New-GoogleServiceAccountAccessToken -ServiceAccount $script:emulator.serviceAccount -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint }
                Invoke-Captured { Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -SystemAccessToken 'wrong-system-token-value' }
                Invoke-Captured { Get-GitHubActionsIdToken -Audience "https:$provider" -AsPlainText | Invoke-StsTokenExchange -TokenEndpoint $endpoint -Audience $provider -Scope cloud-platform | New-GoogleServiceAccountIdToken -ServiceAccount $script:emulator.serviceAccount -Audience https://x -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint }
                Invoke-Captured { New-GoogleServiceAccountAccessToken -ServiceAccount $script:emulator.serviceAccount -AccessToken 'ya29.forged-token-value' -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint }
                Invoke-Captured { New-GoogleDownscopedAccessToken -AccessToken 'ya29.forged-token-value' -TokenEndpoint $endpoint -AccessBoundaryRule (New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer) }
                Invoke-Captured { Test-StsSubjectToken -SubjectToken $jwt -SubjectTokenType jwt -Audience $provider }
            )
            $script:secrets.Add('wrong-system-token-value')
            $script:secrets.Add('ya29.forged-token-value')
            $shown.Count | Should -BeGreaterThan 20
            Assert-NoSecret -Shown $shown
        }
        finally {
            'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' | ForEach-Object { [Environment]::SetEnvironmentVariable($_, $null) }
        }
    }
}

Describe 'Load through ForEach-Object -Parallel' -Skip:($PSVersionTable.PSVersion.Major -lt 7) {
    It 'runs 2,000 exchanges in 16 runspaces without a failure' {
        $module = $env:STSPOWERSHELL_MODULE
        $endpoint = $script:emulator.tokenEndpoint
        $provider = $script:emulator.workloadProvider
        $jwt = New-TestJwt -Emulator $script:emulator
        $results = 1..16 | ForEach-Object -ThrottleLimit 16 -Parallel {
            Import-Module $using:module
            $ok = 0
            for ($i = 0; $i -lt 125; $i++) {
                $token = Invoke-StsTokenExchange -TokenEndpoint $using:endpoint -SubjectToken $using:jwt -SubjectTokenType jwt -Audience $using:provider -Scope cloud-platform
                if ($token.AccessToken.Length -gt 0) { $ok++ }
            }
            $ok
        }
        ($results | Measure-Object -Sum).Sum | Should -Be 2000
    }
}
