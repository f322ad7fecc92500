using System.ComponentModel.DataAnnotations;

namespace Voting.Console.Blazor.Status;

/// <summary>Base URLs of the other services. Section <c>Voting:Services</c>.</summary>
public sealed class ServiceEndpointsOptions
{
    public const string Section = "Voting:Services";

    [Required, Url] public string Ingest { get; set; } = "";
    [Required, Url] public string Processor { get; set; } = "";
    [Required, Url] public string Results { get; set; } = "";
    [Required, Url] public string Audit { get; set; } = "";

    public IEnumerable<(string Name, string BaseUrl)> All() =>
    [
        ("Ingest", Ingest), ("Processor", Processor), ("Results", Results), ("Audit", Audit),
    ];
}
