using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Core.Audit;

/// <summary>Source-generated JSON (camelCase) for the proof documents the audit API serves and the verifier reads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(InclusionProofDocument))]
[JsonSerializable(typeof(ConsistencyProofDocument))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
