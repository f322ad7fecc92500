using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Voting.Core.Audit;

namespace Voting.Audit.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CheckpointList))]
[JsonSerializable(typeof(CheckpointView))]
[JsonSerializable(typeof(InclusionProofDocument))]
[JsonSerializable(typeof(ConsistencyProofDocument))]
[JsonSerializable(typeof(AuditReport))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class AuditApiJsonContext : JsonSerializerContext;
