using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Voting.Core.Audit;

namespace Voting.Results.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ResultsView))]
[JsonSerializable(typeof(StatesView))]
[JsonSerializable(typeof(VoteStatusView))]
[JsonSerializable(typeof(ReceiptStatusView))]
[JsonSerializable(typeof(InclusionProofDocument))]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
