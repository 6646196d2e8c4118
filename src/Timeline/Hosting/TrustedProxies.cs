using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Timeline.Hosting;

/// <summary>
/// The proxies in front of the nodes (addresses, or networks in CIDR form) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Behind a proxy every request comes from the proxy's address, so without this
/// the per-address limit is one budget shared by every anonymous caller. Only the named proxies are believed: a caller
/// cannot choose its own address by sending the header, and a value it sent ahead of the proxy's is never read.
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
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address)) addresses.Add(address);
            else
            {
                problem = $"Timeline__TrustedProxies: '{entry}' is neither an IP address nor a network in CIDR form (e.g. 10.0.0.0/8); nothing was started.";
                return false;
            }
        }

        return true;
    }

    public IServiceCollection AddTo(IServiceCollection services) => services.Configure<ForwardedHeadersOptions>(o =>
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // Only these, never the loopback defaults: a process on the node's own host is not a proxy unless named.
        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
        foreach (var address in Addresses) o.KnownProxies.Add(address);
        foreach (var network in Networks) o.KnownIPNetworks.Add(network);
        // Every hop through a trusted proxy (a CDN in front of nginx), stopping at the first address that is not one.
        o.ForwardLimit = null;
    });

    /// <summary>First in the pipeline, so the limits, the logs and the auth see the caller's address.</summary>
    public void Use(IApplicationBuilder app)
    {
        if (Any) app.UseForwardedHeaders();
    }
}
