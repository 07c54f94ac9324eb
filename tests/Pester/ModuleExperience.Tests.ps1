#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# What a PowerShell user checks in the first five minutes: help, views, completion, and loading.

BeforeDiscovery {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    $script:commands = Get-Command -Module StsPowerShell | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
}

Describe 'Help for <Name>' -ForEach $script:commands {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:command = Get-Command $Name
    }

    It 'has a synopsis and a description' {
        $script:help.Synopsis | Should -Not -BeNullOrEmpty
        # Without help, PowerShell shows the syntax as the synopsis.
        $script:help.Synopsis | Should -Not -BeLike "$Name *"
        ($script:help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples' {
        @($script:help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        @($script:help.Examples.Example)[0].Code | Should -Match ([regex]::Escape($Name))
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in $script:command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameterHelp = $script:help.Parameters.Parameter | Where-Object Name -EQ $parameter
            $parameterHelp | Should -Not -BeNullOrEmpty -Because "-$parameter needs help"
            ($parameterHelp.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'names its output type and a related link' {
        $script:help.returnValues.returnValue.type.name | Should -Not -BeNullOrEmpty
        $script:help.relatedLinks.navigationLink.uri | Should -Not -BeNullOrEmpty
    }
}

Describe 'about_StsPowerShell' {
    It 'is found by Get-Help' {
        (Get-Help about_StsPowerShell | Out-String) | Should -Match 'SECURITY MODEL'
    }
}

Describe 'Views' {
    It 'show no secret for <TypeName>' -ForEach @(
        @{ TypeName = 'StsPowerShell.StsToken'; Object = [StsPowerShell.StsToken]@{ AccessToken = 'secret-access-token-value'; IssuedTokenType = 'urn:ietf:params:oauth:token-type:access_token'; RefreshToken = 'secret-refresh-token-value' } }
        @{ TypeName = 'StsPowerShell.OidcSubjectToken'; Object = [StsPowerShell.OidcSubjectToken]@{ SubjectToken = 'secret-oidc-token-value'; Issuer = 'https://issuer.example' } }
        @{ TypeName = 'StsPowerShell.AwsSubjectToken'; Object = [StsPowerShell.AwsSubjectToken]@{ SubjectToken = 'secret-aws-token-value'; Region = 'us-east-1' } }
    ) {
        $shown = ($Object | Format-Table | Out-String) + ($Object | Format-List | Out-String) + ($Object | Out-String) + $Object.ToString()
        $shown | Should -Not -Match 'secret-'
    }

    It 'serialises a SecureString token without its contents' {
        $token = [StsPowerShell.StsToken]@{ AccessToken = (ConvertTo-SecureString 'secret-access-token-value' -AsPlainText -Force) }
        $token | ConvertTo-Json | Should -Not -Match 'secret-access-token-value'
    }
}

Describe 'Completion' {
    It 'completes <Parameter> of <Command> from "<Word>"' -ForEach @(
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'SubjectTokenType'; Word = 'id'; Expected = 'id_token' }
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'RequestedTokenType'; Word = 'access_b'; Expected = 'access_boundary_intermediary_token' }
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'Scope'; Word = 'cloud-platform.r'; Expected = 'https://www.googleapis.com/auth/cloud-platform.read-only' }
        @{ Command = 'Invoke-StsTokenExchange'; Parameter = 'ClientAuthentication'; Word = 'Req'; Expected = 'RequestBody' }
        @{ Command = 'New-GoogleServiceAccountAccessToken'; Parameter = 'Scope'; Word = 'iam'; Expected = 'https://www.googleapis.com/auth/iam' }
        @{ Command = 'New-AwsCallerIdentityToken'; Parameter = 'Region'; Word = 'ap-south'; Expected = 'ap-south-1' }
    ) {
        $line = "$Command -$Parameter $Word"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $Expected
    }

    It 'completes AWS profile names from the config file' {
        $config = New-TemporaryFile
        try {
            Set-Content -Path $config -Value "[default]`n[profile deploy-prod]`nregion = eu-west-1"
            $saved = $env:AWS_CONFIG_FILE
            $env:AWS_CONFIG_FILE = $config.FullName
            $line = 'New-AwsCallerIdentityToken -ProfileName deploy'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'deploy-prod'
        }
        finally {
            $env:AWS_CONFIG_FILE = $saved
            Remove-Item $config
        }
    }
}

Describe 'Loading' {
    BeforeAll {
        # What the assembly defines: every public [Cmdlet] class, by its command name.
        $script:cmdletTypes = @([StsPowerShell.Commands.StsCmdlet].Assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" })
        $script:cmdletTypes.Count | Should -BeGreaterThan 10
    }

    It 'survives Remove-Module and Import-Module in the same session' {
        Remove-Module StsPowerShell
        Import-Module $env:STSPOWERSHELL_MODULE
        @(Get-Command -Module StsPowerShell).Count | Should -Be $script:cmdletTypes.Count
    }

    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest $env:STSPOWERSHELL_MODULE
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:cmdletTypes | Sort-Object)
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }
}
