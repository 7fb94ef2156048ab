package org.exitbench.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies a DL4J layer configuration into an instance of one of our subclasses of it. DL4J's builders cannot make a
 * subclass from an existing configuration, and its configurations have dozens of settings, so the copy goes field
 * by field up the class chain: every setting comes along, including ones a future DL4J adds.
 */
final class LayerConfigurationCopy {

    private LayerConfigurationCopy() {
    }

    /**
     * Copies every instance field declared by {@code declaredFrom} and its superclasses from {@code source} into
     * {@code target}.
     *
     * @param what names the configuration in the error, e.g. "a DL4J convolution configuration"
     * @throws IllegalStateException when the fields cannot be read or written
     */
    static <T> void copyFields(Class<T> declaredFrom, T source, T target, String what) {
        try {
            for (Class<?> c = declaredFrom; c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        field.setAccessible(true);
                        field.set(target, field.get(source));
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy " + what, e);
        }
    }
}
