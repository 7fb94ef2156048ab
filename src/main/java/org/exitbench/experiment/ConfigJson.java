package org.exitbench.experiment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON dialect of experiment configurations: enum values in lower kebab case ("non-boosted", read in any case
 * and with '_' too), unknown fields and nulls for numbers refused, and Jackson's errors turned into one line
 * naming the field.
 */
public final class ConfigJson {

    private ConfigJson() {
    }

    /** @return a mapper for configurations */
    public static ObjectMapper mapper() {
        SimpleModule enums = new SimpleModule("exitbench-enum-names");
        enums.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                              BeanDescription description,
                                                              JsonDeserializer<?> deserializer) {
                return new EnumNameDeserializer(type.getRawClass());
            }
        });
        enums.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifyEnumSerializer(SerializationConfig config, JavaType type,
                                                          BeanDescription description,
                                                          JsonSerializer<?> serializer) {
                return new EnumNameSerializer();
            }
        });
        return JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                // A key given twice is an error naming the key, not silently the last value.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(enums)
                .build();
    }

    /** @return the JSON name of an enum constant: "NON_BOOSTED" → "non-boosted" */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the JSON names of all constants of an enum, comma-separated */
    public static String names(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> name((Enum<?>) c))
                .collect(Collectors.joining(", "));
    }

    private static final class EnumNameSerializer extends StdSerializer<Enum<?>> {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings({"unchecked", "rawtypes"})
        EnumNameSerializer() {
            super((Class) Enum.class);
        }

        @Override
        public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(name(value));
        }
    }

    private static final class EnumNameDeserializer extends StdScalarDeserializer<Object> {
        private static final long serialVersionUID = 1L;

        EnumNameDeserializer(Class<?> type) {
            super(type);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return context.handleUnexpectedToken(handledType(), parser);
            }
            String text = parser.getText();
            String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Object constant : handledType().getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(wanted)) {
                    return constant;
                }
            }
            throw InvalidFormatException.from(parser, "is not one of " + names(handledType()), text, handledType());
        }
    }

    /**
     * Reads a document's text.
     *
     * @throws ConfigException naming the file when it is missing or unreadable
     */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("the file does not exist"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("could not be read: " + e.getMessage()));
        }
    }

    /**
     * Removes a document's optional {@code format} / {@code formatVersion} header after checking it.
     *
     * @throws ConfigException when the header names another format or version
     */
    public static void checkHeader(ObjectNode object, String format, int formatVersion, String source) {
        JsonNode given = object.remove("format");
        JsonNode version = object.remove("formatVersion");
        List<String> problems = new ArrayList<>();
        if (given != null && !format.equals(given.asText())) {
            problems.add("format: expected \"" + format + "\", was " + given);
        }
        if (version != null && !(version.isInt() && version.intValue() == formatVersion)) {
            problems.add("formatVersion: this Exitbench reads version " + formatVersion + ", was " + version);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
    }

    /**
     * @param what what the value is, for the message should it not be writable
     * @return {@code value} as JSON with a format header, every field written
     */
    public static String toJson(Object value, String format, int formatVersion, String what) {
        ObjectMapper mapper = mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", format);
        root.put("formatVersion", formatVersion);
        root.setAll((ObjectNode) mapper.valueToTree(value));
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + what + " as JSON", e);
        }
    }

    /**
     * Overlays {@code values} on {@code defaults}: objects are merged field by field, anything else (numbers,
     * strings, arrays, null) replaces the default. Unknown fields are kept, so binding reports them.
     */
    public static void overlay(ObjectNode defaults, ObjectNode values) {
        for (Map.Entry<String, JsonNode> field : values.properties()) {
            JsonNode existing = defaults.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                overlay(target, source);
            } else {
                defaults.set(field.getKey(), field.getValue());
            }
        }
    }

    /** @return one line naming the field and what is wrong with it */
    public static String describe(JsonProcessingException error) {
        if (!(error instanceof JsonMappingException mapping)) {
            return "not valid JSON: " + error.getOriginalMessage();
        }
        String field = path(mapping.getPath());
        if (error instanceof UnrecognizedPropertyException unknown) {
            List<String> known = unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return field + ": unknown field (known here: " + String.join(", ", known) + ")";
        }
        if (error instanceof InvalidFormatException invalid) {
            Class<?> type = invalid.getTargetType();
            if (type != null && type.isEnum()) {
                return field + ": \"" + invalid.getValue() + "\" is not one of " + names(type);
            }
            return field + ": expected " + describeType(type) + ", was " + quoted(invalid.getValue());
        }
        if (error instanceof MismatchedInputException mismatched) {
            Class<?> type = mismatched.getTargetType();
            if (type != null && type.isEnum()) {
                return field + ": expected one of " + names(type);
            }
            return field + ": expected " + describeType(type);
        }
        return field + ": " + mapping.getOriginalMessage();
    }

    private static String quoted(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String describeType(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(document)" : path.toString();
    }
}
