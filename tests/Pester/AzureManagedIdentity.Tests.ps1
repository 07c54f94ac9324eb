#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 15: Get-AzureManagedIdentityToken against the emulator's look-alike of every Azure identity endpoint —
# detection order, each source, Azure Arc's key-file challenge and its refusals, retries, and secrets never shown.
# Nothing reaches a real metadata address: AZURE_POD_IDENTITY_AUTHORITY_HOST points the VM metadata service at the
# emulator in every test, and every other endpoint variable names the emulator.

BeforeDiscovery {
    # The Arc tests write key files where the module reads them from on Linux: the agent's own token folder.
    $script:arcSkip = $null
    if (-not $IsLinux) { $script:arcSkip = 'the Arc key folder tests run on Linux' }
    else {
        try {
            $null = New-Item -ItemType Directory -Force -Path '/var/opt/azcmagent/tokens' -ErrorAction Stop
            $probe = "/var/opt/azcmagent/tokens/probe-$([guid]::NewGuid()).key"
            Set-Content -Path $probe -Value x -ErrorAction Stop
            Remove-Item $probe
        }
        catch { $script:arcSkip = "this account cannot write /var/opt/azcmagent/tokens ($($_.Exception.GetType().Name)); CI runs as root" }
    }
    if ($script:arcSkip) { Write-Host "AzureManagedIdentity.Tests.ps1: Azure Arc tests skipped: $script:arcSkip." }
}

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator -Https
    $script:savedEnvironment = Clear-TestEnvironment
    $script:testHome = Enter-TestHome -Emulator $script:emulator
    $script:provider = $script:emulator.workloadProvider
    $script:resource = $script:emulator.azureAppIdUri

    # Every identity endpoint of the emulator, as each platform names it.
    $script:everySource = [ordered]@{
        IDENTITY_ENDPOINT          = $script:emulator.azureServiceFabricEndpoint
        IDENTITY_HEADER            = $script:emulator.azureServiceFabricSecret
        IDENTITY_SERVER_THUMBPRINT = $script:emulator.httpsThumbprint
        MSI_ENDPOINT               = $script:emulator.azureCloudShellEndpoint
        IMDS_ENDPOINT              = $script:emulator.azureArcImdsEndpoint
    }

    function Set-Variables([System.Collections.IDictionary] $Variables) {
        foreach ($entry in $Variables.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    }

    function Clear-Variables {
        foreach ($name in @($script:everySource.Keys)) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    # The call's output, verbose messages and errors (the call passes -Verbose and -ErrorAction Continue), the
    # secrets checked for in all of them.
    function Invoke-Collected([scriptblock] $Call, [string[]] $Secret) {
        $all = @(& $Call 4>&1 2>&1)
        $text = ($all | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { "$($_.Exception.Message) $($_.ErrorDetails)" } else { $_ | Out-String } }) -join "`n"
        foreach ($value in $Secret) { $text | Should -Not -Match ([regex]::Escape($value)) }
        [pscustomobject]@{
            Output  = @($all | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] -and $_ -isnot [Management.Automation.ErrorRecord] })
            Verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
            Errors  = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        }
    }
}

AfterAll {
    if ($script:savedEnvironment) { Restore-TestEnvironment -Saved $script:savedEnvironment }
    if ($script:testHome) { Remove-Item -Recurse -Force $script:testHome.Folder -ErrorAction SilentlyContinue }
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Detection, in MSAL''s order' {
    BeforeEach {
        Clear-Variables
        $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:emulator.azureImdsAuthorityHost
    }
    AfterEach { Clear-Variables }

    It 'takes <Expected> when <Why>' -ForEach @(
        @{ Expected = 'ServiceFabric'; Why = 'everything is set'; Remove = @(); Endpoint = 'azureServiceFabricEndpoint'; Header = 'azureServiceFabricSecret' }
        @{ Expected = 'AppService'; Why = 'IDENTITY_SERVER_THUMBPRINT is not'; Remove = @('IDENTITY_SERVER_THUMBPRINT'); Endpoint = 'azureAppServiceEndpoint'; Header = 'azureIdentityHeader' }
        @{ Expected = 'CloudShell'; Why = 'IDENTITY_HEADER is not either'; Remove = @('IDENTITY_SERVER_THUMBPRINT', 'IDENTITY_HEADER'); Endpoint = 'azureArcEndpoint' }
        @{ Expected = 'Imds'; Why = 'no other endpoint variable is set'; Remove = @('IDENTITY_SERVER_THUMBPRINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'IDENTITY_ENDPOINT', 'IMDS_ENDPOINT') }
    ) {
        $variables = [ordered]@{} + $script:everySource
        if ($Endpoint) { $variables.IDENTITY_ENDPOINT = $script:emulator.$Endpoint }
        if ($Header) { $variables.IDENTITY_HEADER = $script:emulator.$Header }
        foreach ($name in $Remove) { $variables.Remove($name) }
        Set-Variables $variables
        $secrets = @($script:emulator.azureServiceFabricSecret, $script:emulator.azureIdentityHeader)

        $result = Invoke-Collected { Get-AzureManagedIdentityToken -Resource $script:resource -Verbose -ErrorAction Continue } -Secret $secrets

        $result.Errors | Should -BeNullOrEmpty
        $result.Output[0].Source | Should -Be $Expected
        $result.Output[0].Subject | Should -Be $script:emulator.azureSystemIdentity.objectId
        $result.Verbose -join "`n" | Should -Match "from $Expected at "
    }

    It 'takes Azure Arc when IDENTITY_ENDPOINT and IMDS_ENDPOINT are set and nothing before it is' -Skip:([bool]$arcSkip) {
        $keyFile = "/var/opt/azcmagent/tokens/pester-$([guid]::NewGuid()).key"
        try {
            Set-TestAzureArcKeyFile -Emulator $script:emulator -Path $keyFile | Out-Null
            Set-Variables @{ IDENTITY_ENDPOINT = $script:emulator.azureArcEndpoint; IMDS_ENDPOINT = $script:emulator.azureArcImdsEndpoint }
            $key = Get-Content -Raw $keyFile

            $result = Invoke-Collected { Get-AzureManagedIdentityToken -Audience $script:provider -Verbose -ErrorAction Continue } -Secret $key

            $result.Errors | Should -BeNullOrEmpty
            $result.Output[0].Source | Should -Be 'AzureArc'
            $result.Verbose -join "`n" | Should -Match 'IDENTITY_ENDPOINT and IMDS_ENDPOINT are set'
            # The challenge, then the answer: two requests.
            @($result.Verbose | Where-Object { $_ -like 'GET *arc/metadata/identity/oauth2/token*' }).Count | Should -Be 2
        }
        finally { Remove-Item -Force $keyFile -ErrorAction SilentlyContinue }
    }
}

Describe 'Azure Arc''s challenge refused' -Skip:([bool]$arcSkip) {
    BeforeAll { Set-Variables @{ IDENTITY_ENDPOINT = $script:emulator.azureArcEndpoint; IMDS_ENDPOINT = $script:emulator.azureArcImdsEndpoint } }
    AfterAll { Clear-Variables }

    It 'when it names <Case>, unread' -ForEach @(
        @{ Case = 'a file outside the agent''s token folder'; Path = '/tmp/pester-outside-{0}.key' }
        @{ Case = 'a file in the folder that is not a .key file'; Path = '/var/opt/azcmagent/tokens/pester-{0}.txt' }
        @{ Case = 'a path that climbs out of the folder'; Path = '/var/opt/azcmagent/tokens/../pester-{0}.key' }
    ) {
        $path = $Path -f [guid]::NewGuid()
        Set-Content -Path $path -Value 'must-not-be-sent' -NoNewline
        try {
            Set-TestAzureArcKeyFile -Emulator $script:emulator -Path $path -NoWrite | Out-Null
            $result = Invoke-Collected { Get-AzureManagedIdentityToken -Audience $script:provider -Verbose -ErrorAction Continue } -Secret 'must-not-be-sent'

            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -Be 'IdTokenUnavailable.AzureArc,StsPowerShell.Commands.GetAzureManagedIdentityTokenCommand'
            $result.Errors[0].Exception.Message | Should -BeLike '*only a .key file directly in /var/opt/azcmagent/tokens is read*'
        }
        finally { Remove-Item -Force -LiteralPath ([IO.Path]::GetFullPath($path)) -ErrorAction SilentlyContinue }
    }

    It 'refuses a user-assigned identity before any request' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        { Get-AzureManagedIdentityToken -Audience $script:provider -ObjectId ([guid]::NewGuid()) -Source AzureArc -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameter.ObjectId,StsPowerShell.Commands.GetAzureManagedIdentityTokenCommand'
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }
}

Describe 'The VM metadata service' {
    BeforeAll { $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:emulator.azureImdsAuthorityHost }

    It 'is retried on 404, 410 and 429, as Microsoft documents' {
        foreach ($status in 404, 410, 429) { Add-TestFault -Emulator $script:emulator -Fault @{ status = $status } }
        $before = Get-TestRequestCount -Emulator $script:emulator

        $token = Get-AzureManagedIdentityToken -Audience $script:provider -RetryIntervalSec 0

        $token.Source | Should -Be 'Imds'
        (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be 4
    }

    It 'says which parameters to check when it does not know the identity' {
        $failure = $null
        try { Get-AzureManagedIdentityToken -Audience $script:provider -ClientId ([guid]::NewGuid()) -ErrorAction Stop } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -Be 'IdTokenUnavailable.Imds,StsPowerShell.Commands.GetAzureManagedIdentityTokenCommand'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Exception.Message | Should -BeLike '*check -ClientId, -ObjectId or -ResourceId*Identity not found*'
    }

    It 'refuses two identities at once as a binding error' {
        { Get-AzureManagedIdentityToken -Resource $script:resource -ClientId ([guid]::NewGuid()) -ObjectId ([guid]::NewGuid()) } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,StsPowerShell.Commands.GetAzureManagedIdentityTokenCommand'
    }

    It 'is reached directly even while a proxy is set for everything else' {
        $result = Invoke-Collected { Get-AzureManagedIdentityToken -Audience $script:provider -Proxy 'http://127.0.0.1:9' -Verbose -ErrorAction Continue } -Secret @()

        $result.Errors | Should -BeNullOrEmpty
        $result.Verbose -join "`n" | Should -Match 'directly \(cloud metadata or local identity endpoint\)'
    }
}
