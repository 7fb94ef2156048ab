package org.exitbench.deploy;

/**
 * One class and the probability an exit gave it.
 *
 * @param classIndex  the class's index
 * @param className   its name
 * @param probability the softmax probability
 */
public record ClassProbability(int classIndex, String className, float probability) {
}
