using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Timeline.Hosting;

/// <summary>
/// The proxies in front of the nodes (addresses, or networks in CIDR form) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Behind a proxy every request comes from the proxy's address, so without this
/// the per-address limit is one budget shared by every anonymous caller. Only the named proxies are believed: a caller
/// cannot choose its own address by sending the header, and only the address the proxy appended is read.
/// </summary>
public sealed class TrustedProxies
{
    public const string Setting = "Timeline:TrustedProxies";

    private TrustedProxies(IReadOnlyList<IPAddress> addresses, IReadOnlyList<IPNetwork> networks)
    {
        Addresses = addresses;
        Networks = networks;
    }

    public IReadOnlyList<IPAddress> Addresses { get; }
    public IReadOnlyList<IPNetwork> Networks { get; }
    public bool Any => Addresses.Count > 0 || Networks.Count > 0;

    /// <summary>The setting's entries, separated by commas or spaces; false with the reason when one is neither an address nor a network.</summary>
    public static bool TryRead(IConfiguration configuration, out TrustedProxies proxies, out string? problem)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        proxies = new TrustedProxies(addresses, networks);
        problem = null;
        foreach (var entry in (configuration[Setting] ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Network(entry) is { } network) networks.Add(network);
            else if (!entry.Contains('/', StringComparison.Ordinal) && Address(entry) is { } address) addresses.Add(address);
            else
            {
                problem = $"Timeline__TrustedProxies: '{entry}' is neither an IP address nor a network in CIDR form with its host bits zero (e.g. 10.1.2.0/24); nothing was started.";
                return false;
            }
        }

        return true;
    }

    // IPAddress.TryParse reads "172.28" as 172.0.0.28: a dotted address must have its four parts, or a typo trusts another host.
    private static IPAddress? Address(string entry) =>
        IPAddress.TryParse(entry, out var address) && (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || entry.Split('.').Length == 4)
            ? address
            : null;

    // "10.1.2.5/24" names a host, not a network: refused rather than read as 10.1.2.0/24.
    private static IPNetwork? Network(string entry) =>
        entry.Split('/') is [var prefix, _] && Address(prefix) is { } address && IPNetwork.TryParse(entry, out var network) && network.BaseAddress.Equals(address)
            ? network
            : null;

    public IServiceCollection AddTo(IServiceCollection services) => services.Configure<ForwardedHeadersOptions>(o =>
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // Only these, never the loopback defaults: a process on the node's own host is not a proxy unless named.
        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
        foreach (var address in Addresses) o.KnownProxies.Add(address);
        foreach (var network in Networks) o.KnownIPNetworks.Add(network);
        // One hop: the address the proxy itself appended. Walking further would believe whatever a caller put ahead of it
        // whenever the hop before the proxy is also trusted (a container network's gateway, a pod network).
        o.ForwardLimit = 1;
    });

    /// <summary>First in the pipeline, so the limits, the logs and the auth see the caller's address.</summary>
    public void Use(IApplicationBuilder app)
    {
        if (Any) app.UseForwardedHeaders();
    }
}
