#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The scripts in examples/ are executable documentation: each runs here, its endpoint parameters pointed at
# the STS emulator on 127.0.0.1, and what it writes is checked. Nothing leaves the machine: AWS instance
# metadata is the emulator's or disabled, HOME is an empty folder, configuration files name only the
# emulator's URLs, and the Cloud Run service is a listener on 127.0.0.1.

BeforeDiscovery {
    $examples = Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter '*.ps1' |
        ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } }
}

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:exampleFolder = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).ProviderPath
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:folder | Out-Null

    # What tests/StsEmulator/Storage/StorageCatalogue.cs and Aws/AwsSettings.cs hold.
    $script:project = 'emulator-project'
    $script:bucketNames = 'reports', 'builds'
    $script:bucketLocations = 'EU', 'US-CENTRAL1'
    $script:summaryCsv = "quarter,revenue`nQ1,1200`nQ2,1350`n"
    $script:accessKey = 'AKIAEMULATOREXAMPLE1'
    $script:secretKey = 'emulator/Secret+Access/Key0000000000000'

    # Every variable a test here may set; each test's values are undone after it.
    $script:variables = 'HOME', 'USERPROFILE', 'STSPOWERSHELL_EMULATOR', 'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN',
        'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
        'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_DISABLED',
        'AZURE_POD_IDENTITY_AUTHORITY_HOST', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'IDENTITY_SERVER_THUMBPRINT', 'MSI_ENDPOINT', 'IMDS_ENDPOINT'

    function Invoke-Example {
        param([Parameter(Mandatory)] [string] $Name, [hashtable] $Parameters = @{})
        & (Join-Path $script:exampleFolder $Name) @Parameters -ErrorAction Stop
    }

    # What the bucket-listing examples take besides their identity: every endpoint the emulator's.
    $script:bucketListing = @{
        Provider               = $script:emulator.workloadProvider
        ServiceAccount         = $script:emulator.serviceAccount
        Project                = $script:project
        TokenEndpoint          = $script:emulator.tokenEndpoint
        IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint
        StorageEndpoint        = $script:emulator.storageEndpoint
    }

    function Assert-Buckets {
        param($Output)
        @($Output).name | Should -Be $script:bucketNames
        @($Output).location | Should -Be $script:bucketLocations
    }

    # An external_account file whose every URL is the emulator's, optionally impersonating its service account.
    function New-ExampleConfiguration {
        param([switch] $Impersonate)
        $extra = @{}
        if ($Impersonate) {
            $extra.service_account_impersonation_url =
                "$($script:emulator.iamCredentialsEndpoint)/v1/projects/-/serviceAccounts/$($script:emulator.serviceAccount):generateAccessToken"
        }
        New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra $extra
    }

    # A stand-in for a Cloud Run service on 127.0.0.1: answers one request with $Reply and hands back the
    # request's Authorization header. It listens before this returns, so nobody waits for it to start.
    function Start-TestService {
        param([Parameter(Mandatory)] [string] $Reply)
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $worker = [powershell]::Create().AddScript({
                param($Listener, $Reply)
                $client = $Listener.AcceptTcpClient()
                try {
                    $client.ReceiveTimeout = 10000
                    $stream = $client.GetStream()
                    $reader = [IO.StreamReader]::new($stream, [Text.Encoding]::ASCII)
                    $authorization = $null
                    while ($line = $reader.ReadLine()) {
                        if ($line -match '^Authorization:\s*(.+)$') { $authorization = $Matches[1] }
                    }

                    $body = [Text.Encoding]::UTF8.GetBytes($Reply)
                    $head = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 200 OK`r`nContent-Type: text/plain; charset=utf-8`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n")
                    $stream.Write($head, 0, $head.Length)
                    $stream.Write($body, 0, $body.Length)
                    $authorization
                }
                finally {
                    $client.Dispose()
                }
            }).AddArgument($listener).AddArgument($Reply)
        [pscustomobject]@{
            Url      = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/"
            Listener = $listener
            Worker   = $worker
            Pending  = $worker.BeginInvoke()
        }
    }

    function Stop-TestService {
        param([Parameter(Mandatory)] $Service)
        $Service.Listener.Stop()   # ends a wait for a request that never came
        $Service.Worker.Dispose()
    }

    function ConvertFrom-JwtPayload {
        param([Parameter(Mandatory)] [string] $Jwt)
        $part = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $part = $part.PadRight($part.Length + (4 - $part.Length % 4) % 4, '=')
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part)) | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

# Pester runs each-test setup only inside a block, hence one around the examples' tests.
Describe 'The examples' {
    BeforeEach {
        $script:savedEnvironment = @{}
        foreach ($variable in $script:variables) { $script:savedEnvironment[$variable] = [Environment]::GetEnvironmentVariable($variable) }
    }

    AfterEach {
        foreach ($entry in $script:savedEnvironment.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    }

    Describe 'examples/' {
        It 'has a Describe here for every script it holds' {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $PSScriptRoot 'Examples.Tests.ps1'), [ref]$null, [ref]$errors)
            $described = $ast.FindAll({
                    param($node)
                    $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'Describe'
                }, $true) |
                ForEach-Object { $_.CommandElements[1].Value } |
                Where-Object { $_ -like '*.ps1' }
            $present = Get-ChildItem $script:exampleFolder -Filter '*.ps1' | ForEach-Object Name
            @($described | Sort-Object) | Should -Be @($present | Sort-Object)
        }

        It '<Name> has help: a synopsis, every parameter described, an example' -ForEach $examples {
            $help = Get-Help $Path -Full
            $help.Synopsis | Should -Not -BeLike "$Name *" -Because 'without comment-based help PowerShell shows the syntax as the synopsis'
            $declared = (Get-Command $Path).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }
            foreach ($parameter in $declared) {
                $described = $help.parameters.parameter | Where-Object name -EQ $parameter
                ($described.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a .PARAMETER line"
            }
            @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        }

        It '<Name> defaults every endpoint to Google' -ForEach $examples {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
            foreach ($parameter in @($ast.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -like '*Endpoint' })) {
                $parameter.DefaultValue.Value | Should -Match '^https://[a-z0-9.-]+\.googleapis\.com(/|$)' -Because "-$($parameter.Name.VariablePath.UserPath) is what a user gets"
            }
        }

        It '<Name> uses no PowerShell 7 syntax unless it requires PowerShell 7' -ForEach $examples {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null)
            $required = $ast.ScriptRequirements.RequiredPSVersion
            if ($required -and $required.Major -ge 6) { return }

            $language = 'System.Management.Automation.Language'
            $modern = $ast.FindAll({
                    param($node)
                    $node -is "$language.TernaryExpressionAst" -or $node -is "$language.PipelineChainAst" -or
                    ($node -is "$language.BinaryExpressionAst" -and $node.Operator -eq 'QuestionQuestion') -or
                    ($node -is "$language.AssignmentStatementAst" -and $node.Operator -eq 'QuestionQuestionEquals') -or
                    ($node -is "$language.MemberExpressionAst" -and $node.NullConditional) -or
                    ($node -is "$language.CommandParameterAst" -and $node.ParameterName -in 'Authentication', 'Token', 'AllowUnencryptedAuthentication')
                }, $true)
            @($modern).Extent.Text | Should -BeNullOrEmpty -Because 'Windows PowerShell 5.1 cannot run it'
        }
    }

    Describe 'AwsToGoogle.ps1' {
        BeforeEach {
            foreach ($variable in $script:variables -like 'AWS_*') { [Environment]::SetEnvironmentVariable($variable, $null) }
            # No shared files of this machine's user, and no instance metadata unless a test points it at the emulator.
            $env:HOME = $env:USERPROFILE = Join-Path $script:folder ([guid]::NewGuid())
            New-Item -ItemType Directory -Path $env:HOME | Out-Null
            $env:AWS_EC2_METADATA_DISABLED = 'true'
            $script:awsParameters = @{
                Provider        = $script:emulator.workloadProvider
                Project         = $script:project
                TokenEndpoint   = $script:emulator.tokenEndpoint
                StorageEndpoint = $script:emulator.storageEndpoint
            }
        }

        It 'lists the buckets with AWS keys from the environment' {
            $env:AWS_ACCESS_KEY_ID = $script:accessKey
            $env:AWS_SECRET_ACCESS_KEY = $script:secretKey
            $env:AWS_REGION = 'us-east-1'
            # Called here, not through Invoke-Example, so -WarningVariable lands in this scope.
            $parameters = $script:awsParameters
            $buckets = & (Join-Path $script:exampleFolder 'AwsToGoogle.ps1') @parameters -ErrorAction Stop -WarningVariable warnings
            Assert-Buckets $buckets
            $warnings | Should -BeNullOrEmpty -Because 'Test-StsSubjectToken finds nothing Google would refuse'
        }

        It 'lists the buckets with an instance profile from EC2 instance metadata' {
            $env:AWS_EC2_METADATA_DISABLED = $null
            $env:AWS_EC2_METADATA_SERVICE_ENDPOINT = $script:emulator.baseUrl
            Assert-Buckets (Invoke-Example AwsToGoogle.ps1 $script:awsParameters)
        }

        It 'lists the buckets with a named profile' {
            New-Item -ItemType Directory -Path (Join-Path $env:HOME '.aws') | Out-Null
            Set-Content -Path (Join-Path $env:HOME '.aws/credentials') -Value "[build]`naws_access_key_id = $($script:accessKey)`naws_secret_access_key = $($script:secretKey)"
            $env:AWS_REGION = 'eu-west-1'
            Assert-Buckets (Invoke-Example AwsToGoogle.ps1 ($script:awsParameters + @{ ProfileName = 'build' }))
        }
    }

    Describe 'AzurePipelinesToGoogle.ps1' {
        It 'lists the buckets as the service account' {
            $env:SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri
            $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
            $buckets = Invoke-Example AzurePipelinesToGoogle.ps1 @{
                ServiceConnectionId    = $script:emulator.azureServiceConnectionId
                Provider               = $script:emulator.workloadProvider
                ServiceAccount         = $script:emulator.serviceAccount
                Project                = $script:project
                TokenEndpoint          = $script:emulator.tokenEndpoint
                IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint
                StorageEndpoint        = $script:emulator.storageEndpoint
            }
            Assert-Buckets $buckets
        }
    }

    Describe 'AzurePipelinesToGoogle.ps1 without a service connection' {
        It 'lists the buckets with the pipeline''s own token' {
            $env:SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri
            $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
            $buckets = Invoke-Example AzurePipelinesToGoogle.ps1 $script:bucketListing
            Assert-Buckets $buckets
        }
    }

    Describe 'AzureManagedIdentityToGoogle.ps1' {
        It 'lists the buckets with <Name>' -ForEach @(
            @{ Name = 'the VM''s system-assigned identity and the provider''s default audience'; Extra = @{} }
            @{ Name = 'a user-assigned identity and an app ID URI'; Extra = @{ Resource = 'api://emulator-google-federation'; ClientId = '9d4b6e2a-3c1f-4a8d-b7e5-6f0c2d1a3b4e' } }
        ) {
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:emulator.azureImdsAuthorityHost
            $buckets = Invoke-Example AzureManagedIdentityToGoogle.ps1 ($script:bucketListing + $Extra)
            Assert-Buckets $buckets
        }

        It 'reaches App Service''s endpoint with its header when IDENTITY_ENDPOINT and IDENTITY_HEADER are set' {
            $env:IDENTITY_ENDPOINT = $script:emulator.azureAppServiceEndpoint
            $env:IDENTITY_HEADER = $script:emulator.azureIdentityHeader
            $buckets = Invoke-Example AzureManagedIdentityToGoogle.ps1 $script:bucketListing
            Assert-Buckets $buckets
        }
    }

    Describe 'GitHubActionsToGoogle.ps1' {
        It 'calls the service with the service account''s ID token for it' {
            $env:ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl
            $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken
            $service = Start-TestService -Reply 'Hello from Cloud Run'
            try {
                $reply = Invoke-Example GitHubActionsToGoogle.ps1 @{
                    Provider               = $script:emulator.workloadProvider
                    ServiceAccount         = $script:emulator.serviceAccount
                    ServiceUrl             = $service.Url
                    TokenEndpoint          = $script:emulator.tokenEndpoint
                    IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint
                }
                $service.Pending.AsyncWaitHandle.WaitOne(10000) | Should -BeTrue -Because 'the service got a request'
                $authorization = @($service.Worker.EndInvoke($service.Pending))[0]
            }
            finally {
                Stop-TestService $service
            }

            $reply | Should -Be 'Hello from Cloud Run'
            $authorization | Should -BeLike 'Bearer *'
            $claims = ConvertFrom-JwtPayload $authorization.Substring('Bearer '.Length)
            $claims.aud | Should -Be $service.Url
            $claims.azp | Should -Be $script:emulator.serviceAccount
            $claims.iss | Should -Be $script:emulator.baseUrl
        }
    }

    Describe 'ConfigurationFile.ps1' {
        It 'lists the buckets with the federated token' {
            Assert-Buckets (Invoke-Example ConfigurationFile.ps1 @{ ConfigurationFile = New-ExampleConfiguration; Project = $script:project; StorageEndpoint = $script:emulator.storageEndpoint })
        }

        It 'lists the buckets as the service account the file impersonates' {
            $before = Get-TestRequestCount -Emulator $script:emulator
            Assert-Buckets (Invoke-Example ConfigurationFile.ps1 @{ ConfigurationFile = New-ExampleConfiguration -Impersonate; Project = $script:project; StorageEndpoint = $script:emulator.storageEndpoint })
            # The exchange, generateAccessToken, and the bucket list.
            (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be 3
        }
    }

    Describe 'Downscoping.ps1' {
        It 'reads the object with a token narrowed to its bucket' {
            $text = Invoke-Example Downscoping.ps1 @{
                ConfigurationFile = New-ExampleConfiguration
                Bucket            = 'reports'
                Object            = '2026/summary.csv'
                TokenEndpoint     = $script:emulator.tokenEndpoint
                StorageEndpoint   = $script:emulator.storageEndpoint
            }
            $text | Should -BeExactly $script:summaryCsv
        }
    }

    Describe 'QuickStart-Emulator.ps1' {
        It 'runs the quick start against its own emulator and lists its buckets' {
            # The configuration the suite runs in is the one already built: bin/<Configuration>/net10.0/StsEmulator.dll.
            $configuration = Split-Path -Leaf (Split-Path -Parent (Split-Path -Parent $env:STSPOWERSHELL_EMULATOR))
            $before = @{}
            foreach ($variable in $script:variables) { $before[$variable] = [Environment]::GetEnvironmentVariable($variable) }

            $text = Invoke-Example QuickStart-Emulator.ps1 @{ NoBuild = $true; Configuration = $configuration } *>&1 | Out-String -Width 300

            $text | Should -Match 'STS emulator at http://127\.0\.0\.1:\d+'
            $text | Should -Match ([regex]::Escape($script:emulator.workloadProvider))
            $text | Should -Match 'urn:ietf:params:oauth:token-type:access_token\s+Bearer'
            $text | Should -Match 'reports\s+EU'
            $text | Should -Match 'builds\s+US-CENTRAL1'
            foreach ($variable in $script:variables) { [Environment]::GetEnvironmentVariable($variable) | Should -Be $before[$variable] -Because "the quick start restores $variable" }
        }
    }
}

# The examples' checks mean something only if the look-alike refuses what Cloud Storage refuses.
Describe 'The emulator''s Cloud Storage look-alike' {
    BeforeAll {
        $script:bucketsUri = "$($script:emulator.storageEndpoint)/storage/v1/b?project=$($script:project)"
        function Get-StorageError {
            param([string] $Uri, [hashtable] $Headers = @{})
            try {
                Invoke-RestMethod $Uri -Headers $Headers | Out-Null
            }
            catch {
                return [pscustomobject]@{ Status = [int]$_.Exception.Response.StatusCode; Body = $_.ErrorDetails.Message | ConvertFrom-Json }
            }

            throw "$Uri answered without an error."
        }
    }

    It 'refuses a request without a token with 401' {
        $refusal = Get-StorageError $script:bucketsUri
        $refusal.Status | Should -Be 401
        $refusal.Body.error.code | Should -Be 401
    }

    It 'refuses a token it did not issue with 401' {
        (Get-StorageError $script:bucketsUri @{ Authorization = 'Bearer ya29.not-issued-here' }).Body.error.message | Should -Be 'Invalid Credentials'
    }

    It 'lets a downscoped token read its bucket only' {
        $token = Get-GoogleExternalAccountToken -ConfigurationFile (New-ExampleConfiguration) -Force
        $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer
        $narrow = $token | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $script:emulator.tokenEndpoint -AsPlainText
        $headers = @{ Authorization = "Bearer $($narrow.AccessToken)" }
        Invoke-RestMethod "$($script:emulator.storageEndpoint)/storage/v1/b/reports/o/2026%2Fsummary.csv?alt=media" -Headers $headers | Should -BeExactly $script:summaryCsv
        (Get-StorageError "$($script:emulator.storageEndpoint)/storage/v1/b/builds/o/latest.txt?alt=media" $headers).Status | Should -Be 403
        (Get-StorageError $script:bucketsUri $headers).Status | Should -Be 403
    }
}
