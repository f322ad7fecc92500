using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Voting.Core.Ballots;

namespace Voting.Ingest.Apis;

/// <summary>
/// What the vote endpoint's metadata cannot say in the OpenAPI document: the voter's bearer token,
/// the optional <c>Idempotency-Key</c> header, <c>Retry-After</c> on 429, and the body's exact shape
/// (one non-empty <c>candidate</c>, nothing else), so the document describes what the endpoint does.
/// </summary>
public sealed class VoteApiDocument : IOpenApiOperationTransformer, IOpenApiSchemaTransformer
{
    public const string SecurityScheme = "VoterToken";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId != VoteApi.OperationName)
        {
            return Task.CompletedTask;
        }

        var document = context.Document ?? throw new InvalidOperationException("The OpenAPI document is not available to the operation transformer.");
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The voter's token from the election authority (HS256): voter id, state, election, expiry.",
        };
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }];

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKey.HeaderName,
            In = ParameterLocation.Header,
            Required = false,
            Description = $"Optional: {IdempotencyKey.Rule}. A retry with the same key and the same ballot casts the very same ballot, whose receipt is the one that counts.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = IdempotencyKey.MinLength,
                MaxLength = IdempotencyKey.MaxLength,
                Pattern = "^[A-Za-z0-9_-]+$",
            },
        });

        if (operation.Responses?.TryGetValue("429", out var limited) == true && limited is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds until the client or the voter may try again.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(CastVoteRequest))
        {
            return Task.CompletedTask;
        }

        // Exactly {"candidate": "<id>"}: anything else is refused as malformed.
        schema.Required = new HashSet<string>(StringComparer.Ordinal) { "candidate" };
        schema.AdditionalPropertiesAllowed = false;
        if (schema.Properties?.TryGetValue("candidate", out var candidate) == true && candidate is OpenApiSchema candidateSchema)
        {
            candidateSchema.Type = JsonSchemaType.String;
            candidateSchema.MinLength = 1;
            candidateSchema.MaxLength = VoteMessageRules.MaxIdLength;
            candidateSchema.Description = "A candidate id on the ballot of the voter's state, exactly as the election names it.";
        }

        return Task.CompletedTask;
    }
}
