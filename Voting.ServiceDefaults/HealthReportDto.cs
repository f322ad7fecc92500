using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.ServiceDefaults;

/// <summary>The JSON body of <c>/health/ready</c>.</summary>
public sealed record HealthReportDto(string Status, Dictionary<string, HealthEntryDto> Checks);

/// <summary>One dependency's state.</summary>
public sealed record HealthEntryDto(string Status, string? Description);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReportDto))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
