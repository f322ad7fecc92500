using Microsoft.AspNetCore.Hosting;

namespace Voting.Results.Tests;

/// <summary>
/// The results service with traces on, as with an OTLP collector configured (the address takes
/// nothing: the traces are read in the test by an activity listener, not by a collector). The
/// setting is read while the service is built, so it is a host setting, not app configuration.
/// </summary>
public sealed class TracedResultsFactory : ResultsFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
    }
}
