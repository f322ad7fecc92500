using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Voting.Ingest.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(CastVoteRequest))]
[JsonSerializable(typeof(VoteReceipt))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
