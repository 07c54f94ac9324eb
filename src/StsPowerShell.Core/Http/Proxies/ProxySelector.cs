using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>
    /// Chooses how a request goes, the same on .NET Framework and .NET, in this order:
    /// <list type="number">
    /// <item>NoProxy: directly.</item>
    /// <item>Cloud metadata and local identity endpoints: always directly (their answers are for this machine only).</item>
    /// <item>The Proxy parameter: through it, loopback included.</item>
    /// <item>https_proxy / HTTPS_PROXY (http_proxy / HTTP_PROXY for http), else all_proxy / ALL_PROXY: through it,
    /// unless no_proxy / NO_PROXY covers the host or the host is loopback.</item>
    /// <item>In Azure Pipelines (TF_BUILD), the agent's proxy (AGENT_PROXYURL, AGENT_PROXYUSERNAME, AGENT_PROXYPASSWORD),
    /// unless a regular expression of AGENT_PROXYBYPASSLIST matches or the host is loopback.</item>
    /// <item>Loopback: directly.</item>
    /// <item>Otherwise the system proxy settings.</item>
    /// </list>
    /// Credentials: ProxyCredential, else the account's own with ProxyUseDefaultCredentials, else those the chosen
    /// proxy's URL or the agent carries. Nothing here resolves a name.
    /// </summary>
    public static class ProxySelector
    {
        /// <summary>The port Azure Arc's Hybrid Instance Metadata Service listens on, on this machine.</summary>
        private const int AzureArcMetadataPort = 40342;

        private const string LoopbackReason = "loopback address";

        /// <summary>Decides how a request to <paramref name="target"/> goes.</summary>
        /// <param name="target">The request's URL.</param>
        /// <param name="settings">What the caller said.</param>
        /// <param name="localIdentityEndpoint">True when the caller knows the target is a metadata or identity endpoint, wherever it points.</param>
        /// <exception cref="ProxyConfigurationException">A proxy variable that cannot be used.</exception>
        public static ProxyRoute Select(Uri target, ProxySettings settings, bool localIdentityEndpoint)
        {
            if (settings.NoProxy)
            {
                return ProxyRoute.Direct("NoProxy");
            }

            if (localIdentityEndpoint || IsLocalIdentityEndpoint(target, settings.Environment))
            {
                return ProxyRoute.Direct("cloud metadata or local identity endpoint");
            }

            if (settings.Proxy != null)
            {
                // Plain http is allowed only to this machine: through a proxy elsewhere it would cross the network in clear.
                if (target.Scheme == Uri.UriSchemeHttp && !EndpointPolicy.IsLoopback(settings.Proxy))
                {
                    throw new ArgumentException($"{EndpointPolicy.Display(target)} is plain http, which may go only to this machine; through the proxy {ProxyAddress.Display(settings.Proxy)} it would cross the network unencrypted. Use -NoProxy for it, or a proxy on this machine.", "Proxy");
                }

                return ProxyRoute.Through(settings.Proxy, settings.ProxyCredential, settings.ProxyUseDefaultCredentials, "Proxy parameter");
            }

            var variable = ProxyVariable(target, settings.Environment);
            if (variable != null)
            {
                var bypass = Read(settings.Environment, "no_proxy", "NO_PROXY");
                var entry = bypass == null ? null : new NoProxyList(bypass.Value.Value).Match(target);
                if (entry != null)
                {
                    return ProxyRoute.Direct($"{bypass!.Value.Name} entry '{entry}'");
                }

                if (EndpointPolicy.IsLoopback(target))
                {
                    return ProxyRoute.Direct(LoopbackReason);
                }

                var (address, credential) = ParseVariable(variable.Value.Value, variable.Value.Name);
                return ProxyRoute.Through(address, settings.ProxyCredential ?? credential, settings.ProxyUseDefaultCredentials, variable.Value.Name);
            }

            var agentProxy = InAzurePipelines(settings.Environment) ? EnvironmentValue(settings.Environment, "AGENT_PROXYURL") : null;
            if (agentProxy != null)
            {
                var pattern = AgentBypassPattern(target, EnvironmentValue(settings.Environment, "AGENT_PROXYBYPASSLIST"));
                if (pattern != null)
                {
                    return ProxyRoute.Direct($"AGENT_PROXYBYPASSLIST pattern '{pattern}'");
                }

                if (EndpointPolicy.IsLoopback(target))
                {
                    return ProxyRoute.Direct(LoopbackReason);
                }

                var (address, credential) = ParseVariable(agentProxy, "AGENT_PROXYURL");
                var user = EnvironmentValue(settings.Environment, "AGENT_PROXYUSERNAME");
                var agentCredential = user == null ? credential : new NetworkCredential(user, settings.Environment("AGENT_PROXYPASSWORD") ?? string.Empty);
                return ProxyRoute.Through(address, settings.ProxyCredential ?? agentCredential, settings.ProxyUseDefaultCredentials, "Azure Pipelines agent proxy, AGENT_PROXYURL");
            }

            return EndpointPolicy.IsLoopback(target)
                ? ProxyRoute.Direct(LoopbackReason)
                : ProxyRoute.BySystem(target, settings.ProxyCredential, settings.ProxyUseDefaultCredentials);
        }

        /// <summary>
        /// Link-local metadata addresses (169.254.0.0/16: AWS and Azure instance metadata, AWS container credentials;
        /// AWS's fd00:ec2::254 and fd00:ec2::23), Azure Arc (port 40342 on this machine), and the hosts of
        /// IDENTITY_ENDPOINT, MSI_ENDPOINT and IMDS_ENDPOINT.
        /// </summary>
        public static bool IsLocalIdentityEndpoint(Uri target, Func<string, string?> environment)
        {
            if (EndpointPolicy.IsMetadataAddress(target))
            {
                return true;
            }

            if (target.Port == AzureArcMetadataPort && EndpointPolicy.IsLoopback(target))
            {
                return true;
            }

            foreach (var name in new[] { "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "IMDS_ENDPOINT" })
            {
                var value = EnvironmentValue(environment, name);
                if (value != null && Uri.TryCreate(value, UriKind.Absolute, out var endpoint)
                    && string.Equals(endpoint.Host, target.Host, StringComparison.OrdinalIgnoreCase) && endpoint.Port == target.Port)
                {
                    return true;
                }
            }

            return false;
        }

        private static (string Name, string Value)? ProxyVariable(Uri target, Func<string, string?> environment) =>
            (target.Scheme == Uri.UriSchemeHttps ? Read(environment, "https_proxy", "HTTPS_PROXY") : Read(environment, "http_proxy", "HTTP_PROXY"))
                ?? Read(environment, "all_proxy", "ALL_PROXY");

        // The lower-case name first, as curl reads it; then the upper-case one (the same variable on Windows).
        private static (string Name, string Value)? Read(Func<string, string?> environment, string lowerCaseName, string upperCaseName)
        {
            var lower = EnvironmentValue(environment, lowerCaseName);
            if (lower != null)
            {
                return (lowerCaseName, lower);
            }

            var upper = EnvironmentValue(environment, upperCaseName);
            return upper == null ? null : (upperCaseName, upper);
        }

        private static string? EnvironmentValue(Func<string, string?> environment, string name) => EnvironmentVariables.Present(environment(name));

        private static bool InAzurePipelines(Func<string, string?> environment) =>
            string.Equals(EnvironmentValue(environment, "TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);

        private static (Uri Address, NetworkCredential? Credential) ParseVariable(string value, string variable)
        {
            try
            {
                return ProxyAddress.ParseVariable(value, variable);
            }
            catch (ArgumentException e)
            {
                throw new ProxyConfigurationException($"The proxy variable {variable} cannot be used: {MessageText.Reason(e)} Fix or remove it, or override it for this call with -Proxy or -NoProxy.", variable);
            }
        }

        // The agent matches its bypass expressions against scheme://host[:port]; a pattern written for the host alone
        // is honoured too. Every expression is compiled with a match timeout.
        private static string? AgentBypassPattern(Uri target, string? bypassList)
        {
            if (bypassList == null)
            {
                return null;
            }

            string[] patterns;
            try
            {
                patterns = JsonSerializer.Deserialize<string[]>(bypassList) ?? new string[0];
            }
            catch (JsonException)
            {
                throw new ProxyConfigurationException("AGENT_PROXYBYPASSLIST is not a JSON array of regular expressions.", "AGENT_PROXYBYPASSLIST");
            }

            var forms = new[]
            {
                target.Host,
                target.Scheme + "://" + target.Host + (target.IsDefaultPort ? string.Empty : ":" + target.Port),
            };
            foreach (var pattern in patterns.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                Regex regex;
                try
                {
                    regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException)
                {
                    throw new ProxyConfigurationException($"AGENT_PROXYBYPASSLIST holds {MessageText.Quote(pattern)}, which is not a regular expression.", "AGENT_PROXYBYPASSLIST");
                }

                try
                {
                    if (forms.Any(regex.IsMatch))
                    {
                        return pattern;
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    throw new ProxyConfigurationException($"AGENT_PROXYBYPASSLIST pattern {MessageText.Quote(pattern)} took too long to match.", "AGENT_PROXYBYPASSLIST");
                }
            }

            return null;
        }
    }
}
