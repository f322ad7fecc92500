using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting.ServiceDefaults;

/// <summary>
/// Takes a request's client address from <c>X-Forwarded-For</c> when, and only when, the request came
/// from a configured proxy (<see cref="TrustedProxyOptions"/>). Walking the header from its end, each
/// address a trusted proxy added is believed, up to the first that is not a trusted proxy's: that is
/// the client. What a client wrote into the header itself lies before it and is never reached.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, proxies) => Apply(forwarded, proxies.Value));
        return services;
    }

    /// <summary>Forwarded client addresses believed from <paramref name="proxies"/> alone (not from loopback, the framework's default).</summary>
    public static void Apply(ForwardedHeadersOptions forwarded, TrustedProxyOptions proxies)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        ArgumentNullException.ThrowIfNull(proxies);
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        var networks = proxies.Networks();
        foreach (var network in networks)
        {
            forwarded.KnownIPNetworks.Add(network);
        }

        // With no proxy known the middleware would check no peer at all and believe everyone: whatever
        // adds it (ASPNETCORE_FORWARDEDHEADERS_ENABLED, say), it then forwards nothing.
        forwarded.ForwardedHeaders = networks.Count > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;

        // Through every trusted hop (a CDN before the ingress), stopping at the first address that is not one.
        forwarded.ForwardLimit = null;
    }

    /// <summary>Adds the forwarded-address step (before the per-client limits), when proxies are configured (none: no step at all).</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Networks().Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
