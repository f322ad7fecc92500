using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Simulator;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SimulationSummary))]
public sealed partial class SimulationJsonContext : JsonSerializerContext;
