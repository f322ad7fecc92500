using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Core.Audit;

/// <summary>Source-generated JSON (camelCase) for the documents the audit API serves and its clients (the verifier, the console) read.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(InclusionProofDocument))]
[JsonSerializable(typeof(ConsistencyProofDocument))]
[JsonSerializable(typeof(CheckpointList))]
[JsonSerializable(typeof(AuditReport))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
