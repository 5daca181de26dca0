package io.vigil.collectors.smart;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.collectors.parse.JsonSyntaxProblem;
import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads smartctl's JSON: one document per run, and a capture may hold several runs one after the
 * other. Each document comes with the line it starts on; a syntax error becomes a problem naming
 * the line and column, and the documents before it are kept (after it the stream cannot be
 * trusted, so reading stops there).
 */
final class JsonDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Document(int line, JsonNode root) {}

    private JsonDocuments() {}

    static ParseResult<Document> read(String source, String text) {
        List<Document> documents = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        if (text.isBlank()) {
            return ParseResult.failed(new ParseProblem(source, 0, "", "no output (expected smartctl --json output)"));
        }
        try (JsonParser parser = JSON.createParser(text)) {
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                    if (token == null) {
                        break;
                    }
                    int line = parser.currentTokenLocation().getLineNr();
                    JsonNode root = JSON.readTree(parser);
                    documents.add(new Document(line, root));
                } catch (JsonProcessingException e) {
                    problems.add(syntaxProblem(source, text, e));
                    break;
                }
            }
        } catch (IOException e) {
            problems.add(new ParseProblem(source, 0, "", "cannot read: " + e.getMessage()));
        }
        return new ParseResult<>(documents, problems);
    }

    private static ParseProblem syntaxProblem(String source, String text, JsonProcessingException e) {
        ParseProblem problem = JsonSyntaxProblem.of(source, text, e);
        if (text.indexOf('{') >= 0) {
            return problem;
        }
        // smartctl 6.x has no --json and prints its text report (or an option error) instead
        return new ParseProblem(
                problem.source(),
                problem.line(),
                problem.text(),
                problem.message()
                        + " (this is not smartctl JSON output; smartctl before 7.0 has no --json: install smartmontools 7 or newer)");
    }
}
